import { useLanguage } from './LanguageProvider.tsx';

/** The header's Thai ⇄ English switch, on every page. */
export function LanguageToggle() {
  const { t, lang, setLang } = useLanguage();
  return (
    <button
      type="button"
      className="header-button lang-toggle"
      data-testid="lang-toggle"
      data-lang={lang}
      title={t('lang.toggleTitle')}
      onClick={() => setLang(lang === 'th' ? 'en' : 'th')}
    >
      {t('lang.toggle')}
    </button>
  );
}
