import type { MessageCatalogue } from './catalogue.js';

/**
 * Self-service configuration: journal entries of /api/v1/config (`config.*`) and the texts of the
 * driver catalogs a UI builds its forms from (`catalog.*`). Catalog field descriptions are looked
 * up as `catalog.<kind>.<field>` first (kind: scanner, printer, plc, binding), then
 * `catalog.field.<field>` for a field that means the same everywhere.
 */
export const CONFIG_MESSAGES: MessageCatalogue = {
  // Journal
  'config.changed': {
    ru: 'Настройки изменены ({actor}): задано {set}; сброшено {unset}; перезапущены устройства: {restarted}',
    en: 'Configuration changed by {actor}: set {set}; unset {unset}; devices restarted: {restarted}',
  },
  'config.cleared': {
    ru: 'Все переопределения настроек сброшены ({actor}): {keys}; перезапущены устройства: {restarted}',
    en: 'All configuration overrides dropped by {actor}: {keys}; devices restarted: {restarted}',
  },
  'config.reloaded': {
    ru: 'Настройки перечитаны из базы ({actor}): перезапущены {restarted}; без изменений {kept}; параметры линии: {runtime}',
    en: 'Configuration reloaded from the database by {actor}: restarted {restarted}; kept {kept}; line settings changed: {runtime}',
  },
  'config.reload_refused': {
    ru: 'Перечитывание настроек отклонено ({actor}): в базе недопустимые значения {keys}; ничего не изменено',
    en: 'Configuration reload refused ({actor}): invalid stored values {keys}; nothing changed',
  },
  'config.devices_replaced': {
    ru: 'Список устройств {key} заменён: перезапущены/добавлены/удалены {changed}; без изменений {kept}',
    en: 'Device list {key} replaced: restarted/added/removed {changed}; kept {kept}',
  },
  'config.apply_failed': {
    ru: 'Настройка {key} не применена: {reason}',
    en: 'Setting {key} was not applied: {reason}',
  },
  'config.override_ignored': {
    ru: 'Сохранённое переопределение {key} недопустимо и пропущено при запуске (действует файл настроек): {reason}',
    en: 'Stored override {key} is invalid and was ignored at start (the configuration file applies): {reason}',
  },

  // Catalog: kinds of scanner transport
  'catalog.scanner.transport.TCP': { ru: 'TCP: edge подключается к сканеру (connect) или ждёт его подключения (listen)', en: 'TCP: the edge dials the reader (connect) or the reader connects to the edge (listen)' },
  'catalog.scanner.transport.SERIAL': { ru: 'Последовательный порт (RS-232/RS-485)', en: 'Serial port (RS-232/RS-485)' },
  'catalog.scanner.transport.MODBUS': { ru: 'Modbus TCP или RTU: опрос регистра «код готов»', en: 'Modbus TCP or RTU: polls a "code ready" register' },
  'catalog.scanner.transport.ETHERNET_IP': { ru: 'EtherNet/IP: опрос строкового тега', en: 'EtherNet/IP: polls a string tag' },
  'catalog.scanner.transport.USB_HID': { ru: 'Ручной сканер USB в режиме USB-COM (виден как последовательный порт)', en: 'USB handheld in USB-COM mode (appears as a serial port)' },
  'catalog.scanner.transport.MOCK': { ru: 'Демонстрационный сканер (POST /api/v1/mock/scan)', en: 'Demo scanner (POST /api/v1/mock/scan)' },
  // Catalog: scanner roles
  'catalog.scanner.role.ADD': { ru: 'Основной сканер линии: каждый код становится бутылкой', en: 'Main line scanner: every code becomes a bottle' },
  'catalog.scanner.role.REMOVE': { ru: 'Снятие бутылки с учёта', en: 'Takes a bottle off the books' },
  'catalog.scanner.role.VERIFY_LOCAL_BUFFER': { ru: 'Проверка кода по загруженному буферу партии', en: 'Checks a code against the loaded batch buffer' },
  'catalog.scanner.role.REJECTION': { ru: 'Отбраковка бутылки', en: 'Rejects a bottle' },
  'catalog.scanner.role.PACKAGE': { ru: 'Упаковка бутылки в открытый короб', en: 'Packs a bottle into the open case' },
  'catalog.scanner.role.BOX': { ru: 'Этикетка короба: короб на паллету', en: 'Case label: puts the case on the pallet' },
  'catalog.scanner.role.REJECTION_FEEDBACK': { ru: 'Подтверждение сброса отбракованной единицы', en: 'Confirms that a rejected unit was ejected' },
  // Catalog: printers and PLC protocols
  'catalog.printer.model.ZEBRA_ZPL': { ru: 'Zebra, ZPL по TCP (порт 9100); печать подтверждается опросом ~HS', en: 'Zebra, ZPL over raw TCP (port 9100); a label is confirmed by polling ~HS' },
  'catalog.printer.model.VIDEOJET': { ru: 'Videojet, текстовый протокол Zipher; подтверждение по сообщению о печати', en: 'Videojet, Zipher-style text protocol; confirmed by the print-complete message' },
  'catalog.printer.model.GENERIC_TCP': { ru: 'Любой принтер по TCP: шаблон, обрамление и строка подтверждения настраиваются', en: 'Any TCP printer: template, framing and acknowledgement string are configurable' },
  'catalog.plc.protocol.MODBUS_TCP': { ru: 'Modbus TCP (порт 502)', en: 'Modbus TCP (port 502)' },
  'catalog.plc.protocol.MODBUS_RTU': { ru: 'Modbus RTU по последовательному порту', en: 'Modbus RTU over a serial line' },
  'catalog.plc.protocol.OPC_UA': { ru: 'OPC UA (opc.tcp://…), с просмотром тегов', en: 'OPC UA (opc.tcp://…), browses its tags' },
  'catalog.plc.protocol.PROFINET': { ru: 'PROFINET через шлюз MOXA (Modbus TCP с картой регистров)', en: 'PROFINET through a MOXA gateway (Modbus TCP with a register map)' },
  'catalog.plc.protocol.ETHERNET_IP': { ru: 'EtherNet/IP (Allen-Bradley Logix), порт 44818', en: 'EtherNet/IP (Allen-Bradley Logix), port 44818' },
  'catalog.plc.protocol.TCP_SOCKET': { ru: 'Простой текстовый протокол по TCP', en: 'Plain text protocol over TCP' },

  // Catalog: fields that mean the same for every kind
  'catalog.field.id': { ru: 'Идентификатор (латиница, цифры, _ . -; до 64 символов); неизменный id сохраняет соединение', en: 'Identifier (letters, digits, _ . -; up to 64); an unchanged id keeps the connection' },
  'catalog.field.host': { ru: 'IP-адрес или имя хоста устройства', en: 'IP address or host name of the device' },
  'catalog.field.port': { ru: 'TCP-порт', en: 'TCP port' },
  'catalog.field.backoff': { ru: 'Паузы между попытками переподключения (экспоненциально, со случайным разбросом)', en: 'Delays between reconnect attempts (exponential, with jitter)' },
  'catalog.field.baseMs': { ru: 'Первая пауза, мс', en: 'First delay, ms' },
  'catalog.field.maxMs': { ru: 'Наибольшая пауза, мс', en: 'Longest delay, ms' },
  'catalog.field.serial': { ru: 'Параметры последовательного порта', en: 'Serial port settings' },
  'catalog.field.path': { ru: 'Путь к последовательному порту, напр. /dev/ttyUSB0', en: 'Serial port path, e.g. /dev/ttyUSB0' },
  'catalog.field.baudRate': { ru: 'Скорость, бод', en: 'Baud rate' },
  'catalog.field.dataBits': { ru: 'Биты данных', en: 'Data bits' },
  'catalog.field.parity': { ru: 'Чётность', en: 'Parity' },
  'catalog.field.stopBits': { ru: 'Стоп-биты', en: 'Stop bits' },
  'catalog.field.unitId': { ru: 'Адрес устройства Modbus (unit id); неверный — все запросы истекают по времени', en: 'Modbus unit (slave) id; a wrong one makes every request time out' },
  'catalog.field.pollIntervalMs': { ru: 'Интервал опроса, мс', en: 'Poll interval, ms' },
  'catalog.field.timeoutMs': { ru: 'Время ожидания ответа на запрос, мс', en: 'Time allowed for one request, ms' },
  'catalog.field.slot': { ru: 'Слот контроллера в шасси', en: "The controller's slot in the chassis" },
  'catalog.field.framing': { ru: 'Обрамление кадров: префикс и окончание', en: 'Frame delimiting: prefix and terminator' },
  'catalog.field.prefix': { ru: 'Префикс кадра', en: 'Frame prefix' },
  'catalog.field.suffix': { ru: 'Окончание кадра: CR, LF, CRLF, STX_ETX или своё', en: 'Frame terminator: CR, LF, CRLF, STX_ETX or custom' },
  'catalog.field.custom': { ru: 'Своя строка окончания', en: 'Custom terminator string' },
  'catalog.field.confirmTimeoutMs': { ru: 'Сколько ждать подтверждения печати, мс; дольше — не напечатано', en: 'How long a print may wait for confirmation, ms; slower counts as not printed' },
  'catalog.field.idleStatusMs': { ru: 'Интервал запроса состояния в простое, мс', en: 'Status query interval while idle, ms' },

  // Catalog: scanner fields
  'catalog.scanner.transport': { ru: 'Способ подключения', en: 'How the reader is connected' },
  'catalog.scanner.model': { ru: 'Модель: задаёт умолчания (обрамление, порт, триггер)', en: 'Model: sets the defaults (framing, port, trigger)' },
  'catalog.scanner.role': { ru: 'Что означает считывание на линии', en: 'What a read means on the line' },
  'catalog.scanner.mode': { ru: 'TCP: connect — edge подключается к сканеру; listen — сканер подключается к edge', en: 'TCP: connect = the edge dials the reader; listen = the reader connects to the edge' },
  'catalog.scanner.port': { ru: 'TCP-порт (в режиме listen — порт edge, 0 = любой свободный); по умолчанию порт модели', en: "TCP port (listen mode: the edge's port, 0 = any free one); defaults to the model's port" },
  'catalog.scanner.modbus': { ru: 'Параметры Modbus: host (TCP) или path (RTU) и регистры', en: 'Modbus settings: host (TCP) or path (RTU) and the registers' },
  'catalog.scanner.ethernetIp': { ru: 'Параметры EtherNet/IP: контроллер и теги', en: 'EtherNet/IP settings: controller and tags' },
  'catalog.scanner.framing': { ru: 'Обрамление кадров поверх умолчаний модели: suffix, prefix, noRead, maxFrameBytes', en: "Frame delimiting over the model's defaults: suffix, prefix, noRead, maxFrameBytes" },
  'catalog.scanner.allowFrom': { ru: 'Listen: адреса (CIDR), с которых сканер может подключаться; по умолчанию локальные и частные сети', en: 'Listen mode: addresses (CIDRs) the reader may connect from; default loopback, private and link-local ranges' },
  'catalog.scanner.replacePeer': { ru: 'Listen: новое подключение заменяет живое (иначе — только молчащее дольше peerIdleMs)', en: 'Listen mode: a new connection replaces a live one (otherwise only one silent for peerIdleMs)' },
  'catalog.scanner.peerIdleMs': { ru: 'Listen: после скольких мс молчания подключение считается мёртвым и может быть заменено', en: 'Listen mode: after this many ms of silence the connection counts as dead and may be replaced' },
  'catalog.scanner.trigger': { ru: 'Программный триггер (по умолчанию — модели)', en: "Software trigger string (defaults to the model's)" },
  'catalog.scanner.reply': { ru: 'Отвечать на каждый кадр строкой с решением', en: 'Answer every frame with a line saying the decision' },
  'catalog.scanner.accept': { ru: 'Ответ при приёмке', en: 'Reply for an accepted unit' },
  'catalog.scanner.reject': { ru: 'Ответ при отбраковке', en: 'Reply for a rejected unit' },
  'catalog.scanner.readyRegister': { ru: 'Регистр «код готов» (не ноль, пока код ждёт)', en: 'Holding register that is non-zero while a new code waits' },
  'catalog.scanner.codeRegister': { ru: 'Первый регистр строки кода', en: 'First holding register of the code string' },
  'catalog.scanner.codeRegisters': { ru: 'Сколько регистров занимает код', en: 'Registers the code string occupies' },
  'catalog.scanner.swapBytes': { ru: 'Младший байт первым в каждом регистре', en: 'Low byte first in each register' },
  'catalog.scanner.codeTag': { ru: 'Строковый тег с последним кодом', en: 'STRING tag holding the last code' },
  'catalog.scanner.readyTag': { ru: 'Тег «код готов» (необязательно)', en: 'Optional "code ready" handshake tag' },
  'catalog.scanner.noRead': { ru: 'Строки «нет считывания»', en: 'No-read strings' },
  'catalog.scanner.maxFrameBytes': { ru: 'Наибольшая длина кадра, байт', en: 'Longest frame, bytes' },

  // Catalog: printer fields
  'catalog.printer.name': { ru: 'Название для оператора', en: 'Name shown to operators' },
  'catalog.printer.model': { ru: 'Модель (драйвер) принтера', en: 'Printer model (driver)' },
  'catalog.printer.connectTimeoutMs': { ru: 'Время на подключение, мс', en: 'Time allowed to connect, ms' },
  'catalog.printer.params': { ru: 'Параметры драйвера модели', en: "The model driver's parameters" },
  'catalog.printer.statusPollMs': { ru: 'Интервал опроса ~HS при ожидании подтверждения, мс', en: '~HS poll interval while waiting for a confirmation, ms' },
  'catalog.printer.darkness': { ru: 'Поправка яркости ^MD (−30…30)', en: '^MD darkness adjustment (-30..30)' },
  'catalog.printer.defaultTemplate': { ru: 'Шаблон по умолчанию (имя сохранённого шаблона)', en: 'Default template (name of a stored template)' },
  'catalog.printer.job': { ru: 'Задание, выбираемое при подключении', en: 'Job selected on every connect' },
  'catalog.printer.codeField': { ru: 'Поле задания, в которое пишется код', en: "The job's user field that receives the code" },
  'catalog.printer.replyTimeoutMs': { ru: 'Ожидание ACK/ERR на команду, мс', en: 'Time one command may wait for ACK/ERR, ms' },
  'catalog.printer.template': { ru: 'Что отправляется на печать; подстановки {{code}} и {{param}}', en: 'What is written per print; {{code}} and {{param}} placeholders' },
  'catalog.printer.ackString': { ru: 'Ответ, подтверждающий печать', en: 'Reply that confirms a print' },
  'catalog.printer.faultWords': { ru: 'Слова в ответе, означающие неисправность', en: 'Words in a reply that report a fault' },
  'catalog.printer.jam': { ru: 'Замятие', en: 'Jam' },
  'catalog.printer.ink_out': { ru: 'Нет чернил, ленты или бумаги', en: 'Out of ink, ribbon or paper' },
  'catalog.printer.paused': { ru: 'Пауза', en: 'Paused' },
  'catalog.printer.statusCommand': { ru: 'Команда запроса состояния', en: 'Status query command' },

  // Catalog: PLC and binding fields
  'catalog.plc.protocol': { ru: 'Протокол связи с ПЛК', en: 'Protocol the PLC speaks' },
  'catalog.plc.host': { ru: 'Адрес ПЛК (для PROFINET — адрес шлюза)', en: "PLC address (PROFINET: the gateway's address)" },
  'catalog.plc.port': { ru: 'TCP-порт (по умолчанию порт протокола)', en: "TCP port (defaults to the protocol's)" },
  'catalog.plc.endpointUrl': { ru: 'Адрес OPC UA, напр. opc.tcp://plc:4840', en: 'OPC UA endpoint, e.g. opc.tcp://plc:4840' },
  'catalog.plc.gateway': { ru: 'Шлюз PROFINET: карта данных процесса на регистры Modbus', en: 'PROFINET gateway: process data mapped onto Modbus registers' },
  'catalog.plc.registers': { ru: 'Имя данных процесса → адрес Modbus (coil:0, hr:10, hr:20/str10)', en: 'Process-data name → Modbus address (coil:0, hr:10, hr:20/str10)' },
  'catalog.plc.safeState': { ru: 'Что делает линия без связи с ПЛК: stop — пауза, reject_all — отбраковка всего', en: 'What the line does while the PLC is unreachable: stop = pause, reject_all = reject every unit' },
  'catalog.binding.plcId': { ru: 'ПЛК, на котором тег', en: 'The PLC the tag is on' },
  'catalog.binding.address': { ru: 'Адрес тега в формате протокола', en: "Tag address in the protocol's format" },
  'catalog.binding.kind': { ru: 'Тип значения: coil — логическое, register — число, string — текст', en: 'Value kind: coil = boolean, register = number, string = text' },
  'catalog.binding.pulseMs': { ru: 'Длительность импульса по умолчанию, мс', en: 'Default pulse length, ms' },
};
