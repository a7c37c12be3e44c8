import '../shared/style.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { locale } from '../shared/i18n.js';
import { ConsoleApp } from './console-app.js';

document.documentElement.lang = locale.value;
render(html`<${ConsoleApp} />`, document.getElementById('app')!);
