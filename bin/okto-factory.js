#!/usr/bin/env node
// Runs the TypeScript sources through tsx so the bin works right after `npm install`.
import { register } from 'tsx/esm/api';
register();
await import('../src/factory/main.ts');
