"""A plain Modbus TCP server (pymodbus, Debian's python3-pymodbus) for tests: holding registers
0..999 of unit 1, all zero. Usage: pymodbus-server.py PORT. Prints READY once listening."""
import logging
import sys
import threading
import time

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartTcpServer

logging.basicConfig(level=logging.CRITICAL)
port = int(sys.argv[1])
block = ModbusSequentialDataBlock(0, [0] * 1000)
store = ModbusSlaveContext(hr=block, zero_mode=True)
context = ModbusServerContext(slaves={1: store}, single=False)


def announce():
    import socket
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            print("READY", flush=True)
            return
        except OSError:
            time.sleep(0.05)


threading.Thread(target=announce, daemon=True).start()
StartTcpServer(context=context, address=("127.0.0.1", port))
