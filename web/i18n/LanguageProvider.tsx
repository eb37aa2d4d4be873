import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { loadMessages, type Lang, type MessageKey, type Messages } from './strings.ts';

interface LanguageContextValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey) => string;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

const STORAGE_KEY = 'mueang.lang';

/** `?lang=en` wins (shareable links, screenshots), then the last choice, then Thai. */
export function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl === 'th' || fromUrl === 'en') return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'th' || stored === 'en') return stored;
  } catch {
    // Storage can be disabled (private windows, sandboxed frames); Thai is the right default anyway.
  }
  return 'th';
}

/** The language a page opens in, with its messages already loaded (web/main.tsx waits for them). */
export interface OpeningLanguage {
  lang: Lang;
  messages: Messages;
}

export function LanguageProvider({ opening, children }: { opening: OpeningLanguage; children: ReactNode }) {
  const [current, setCurrent] = useState<OpeningLanguage>(opening);

  // The switch takes effect once the language's messages are here: never a page half in each.
  const setLang = useCallback((lang: Lang) => {
    loadMessages(lang)
      .then((messages) => setCurrent({ lang, messages }))
      .catch((error: unknown) => console.error(`the ${lang} messages could not be loaded:`, error));
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Not persisting is harmless.
    }
  }, []);

  const { lang, messages } = current;
  useEffect(() => {
    // Screen readers and the browser's font fallback both use the document language.
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<LanguageContextValue>(() => ({ lang, setLang, t: (key) => messages[key] }), [lang, messages, setLang]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageContextValue {
  const value = useContext(LanguageContext);
  if (!value) throw new Error('useLanguage must be used inside <LanguageProvider>');
  return value;
}
