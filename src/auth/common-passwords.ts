/**
 * Passwords that guessing tools try first (the head of the public breach lists, plus the words an
 * integrator of a line cabinet is likely to reach for), lower-case. A password is refused when its
 * lower-case form is one of these, or one of these followed by digits and punctuation only.
 * Only passwords of 10+ characters matter (shorter ones are refused anyway), but the stems are short.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', '1234567', '12345678', '123456789', '1234567890', '12345678910', '0123456789', '0987654321', '1111111111',
  '0000000000', '1q2w3e4r5t', '1qaz2wsx3edc', 'qwertyuiop', 'qwerty', 'qwerty123', 'qwerty1234', 'asdfghjkl', 'zxcvbnm',
  'password', 'password1', 'password12', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pa55word', 'letmein', 'welcome',
  'iloveyou', 'princess', 'sunshine', 'football', 'baseball', 'superman', 'batman', 'dragon', 'monkey', 'master', 'shadow',
  'trustno1', 'whatever', 'starwars', 'computer', 'michael', 'jennifer', 'charlie', 'freedom', 'abc123', 'abcdef', 'abcdefgh',
  'abcdefghij', 'changeme', 'changeit', 'default', 'secret', 'admin', 'administrator', 'admin123', 'admin1234', 'adminadmin',
  'root', 'toor', 'guest', 'user', 'test', 'test123', 'testtest', 'manager', 'manager123', 'operator', 'operator123',
  'supervisor', 'support', 'service', 'system', 'qazwsx', 'zaq12wsx', 'aa123456', 'q1w2e3r4', 'q1w2e3r4t5', '1q2w3e4r',
  'okto', 'oktookto', 'chestnyznak', 'chestny', 'znak', 'factory', 'edge', 'line', 'scanner', 'printer', 'plc', 'siemens',
  'pasword', 'parol', 'parol123', 'privet', 'qwertyu', 'йцукен', 'пароль', 'qwe123', 'asd123', 'zxc123', 'winter', 'summer',
  'spring', 'autumn', 'hello', 'hello123', 'login', 'access', 'welcome1', 'mustang', 'killer', 'hunter', 'ranger', 'buster',
]);
