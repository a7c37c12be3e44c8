import '../shared/style.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { locale } from '../shared/i18n.js';
import { HmiApp } from './hmi-app.js';

document.documentElement.lang = locale.value;
render(html`<${HmiApp} />`, document.getElementById('app')!);
