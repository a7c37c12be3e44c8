"""A Modbus server (pymodbus, Debian's python3-pymodbus) that prints every write, for tests that
check what a PLC really received: `WRITE coil ADDR VALUE` / `WRITE hr ADDR VALUE`, one per line.
Unit 1, 0-based addresses (zero_mode), 1000 coils and holding registers, all zero.

  pymodbus-recording-server.py tcp PORT         Modbus TCP on 127.0.0.1:PORT
  pymodbus-recording-server.py rtu DEVICE BAUD  Modbus RTU on a serial device (e.g. a socat pty)

Prints READY once it serves (TCP: once a connection succeeds; RTU: once the port is open)."""
import logging
import socket
import sys
import threading
import time

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext

logging.basicConfig(level=logging.CRITICAL)
COILS = (5, 15)
REGISTERS = (6, 16)


class RecordingContext(ModbusSlaveContext):
    def setValues(self, fc_as_hex, address, values):
        table = "coil" if fc_as_hex in COILS else "hr" if fc_as_hex in REGISTERS else str(fc_as_hex)
        for offset, value in enumerate(values):
            print(f"WRITE {table} {address + offset} {int(value)}", flush=True)
        return super().setValues(fc_as_hex, address, values)


store = RecordingContext(
    co=ModbusSequentialDataBlock(0, [0] * 1000),
    hr=ModbusSequentialDataBlock(0, [0] * 1000),
    di=ModbusSequentialDataBlock(0, [0] * 1000),
    ir=ModbusSequentialDataBlock(0, [0] * 1000),
    zero_mode=True,
)
context = ModbusServerContext(slaves={1: store}, single=False)

if sys.argv[1] == "tcp":
    from pymodbus.server import StartTcpServer

    port = int(sys.argv[2])

    def announce():
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                print("READY", flush=True)
                return
            except OSError:
                time.sleep(0.05)

    threading.Thread(target=announce, daemon=True).start()
    StartTcpServer(context=context, address=("127.0.0.1", port))
else:
    from pymodbus.server import StartSerialServer
    from pymodbus.transaction import ModbusRtuFramer

    threading.Timer(0.5, lambda: print("READY", flush=True)).start()
    StartSerialServer(context=context, framer=ModbusRtuFramer, port=sys.argv[2], baudrate=int(sys.argv[3]), timeout=0.05)
