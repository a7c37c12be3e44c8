#!/usr/bin/env node
// Runs the compiled build (dist/, npm run build) when it is up to date, else the TypeScript sources through tsx.
import { launch } from './launch.js';
await launch('src/line-sim/main');
