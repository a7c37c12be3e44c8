import type { Locale } from './catalogue.js';

/** Features and actors the supervisor or the composition root had to take out or bring back. */
export const WIRING_MESSAGES: Record<string, Record<Locale, string>> = {
  'system.feature_disabled': {
    ru: 'Функция {feature} отключена: ошибка при запуске ({error})',
    en: 'Feature {feature} disabled: it failed to start ({error})',
  },
  'system.actor_restarted_by_hand': {
    ru: 'Компонент {actor} перезапущен вручную',
    en: 'Component {actor} restarted by hand',
  },
};
