/**
 * The suite's one free-port helper: a TCP port nobody listens on right now (bound to port 0, then
 * released). Only for what must be told its port before it starts (upsd, a pymodbus server, an
 * address that must refuse connections); everything we start ourselves listens on port 0 and
 * reports the port it got, which no other test file running in parallel can take from it.
 * The Modbus simulator needs the same thing (modbus-serial cannot listen on port 0): one copy, there.
 */
export { freePort } from '../../adapters/plcs/modbus-simulator.js';
