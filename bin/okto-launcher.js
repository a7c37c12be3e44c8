#!/usr/bin/env node
// The edge's A/B launcher: runs <root>/current, restarts it, rolls a failed new version back.
import { launch } from './launch.js';
await launch('src/edge/launcher/main');
