import { useState, type HTMLAttributes, type ReactNode } from 'react';
import { useLanguage } from '../i18n/LanguageProvider.tsx';

interface ShellProps {
  /** The header's content: title, navigation, actions. */
  header: ReactNode;
  /** The page's class ("page-plan"…), for styles that differ per page. */
  className: string;
  /** Classes on <main> that panels react to (e.g. "audit-open"). */
  mainClassName?: string;
  /** The map and the page's panels. */
  children: ReactNode;
}

/**
 * Every page's frame: a header over a full-size map with panels floating on it. Pages put
 * their map and their <Panel>s inside; nothing here knows which page it is.
 *
 * On a phone (shell.css, ≤ 700 px) the header keeps its title and folds the rest behind the
 * menu button; on a desk the button is hidden and the menu class changes nothing.
 */
export function Shell({ header, className, mainClassName, children }: ShellProps) {
  const { t } = useLanguage();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className={`app ${className}`}>
      <header className={menuOpen ? 'app-header menu-open' : 'app-header'} data-testid="app-header">
        {header}
        <button
          type="button"
          className="header-button menu-button"
          data-testid="menu-button"
          aria-expanded={menuOpen}
          aria-label={t('shell.menu')}
          onClick={() => setMenuOpen((open) => !open)}
        >
          ☰
        </button>
      </header>
      <main className={mainClassName ? `app-main ${mainClassName}` : 'app-main'}>{children}</main>
    </div>
  );
}

type PanelProps = HTMLAttributes<HTMLElement> & {
  /** The panel's own class ("layer-switcher", "flood-wall"…): its place and size. */
  className: string;
  testId?: string;
  /** What the collapsed sheet's bar says on a phone; defaults to the aria-label. */
  sheetTitle?: string;
  /**
   * A secondary sheet starts as its bar on a phone, so the page's main sheet gets the room
   * below the map; on a desk every panel starts open.
   */
  startsCollapsedOnPhone?: boolean;
  children: ReactNode;
};

/** The width at which shell.css turns panels into bottom sheets. */
const PHONE = '(max-width: 700px)';

/**
 * One panel floating over the map. Every page's panels are these, so they all behave alike:
 * on a phone each is a bottom sheet whose bar (hidden on a desk) collapses it to that bar.
 */
export function Panel({ className, testId, sheetTitle, startsCollapsedOnPhone = false, children, ...rest }: PanelProps) {
  const { t } = useLanguage();
  const [collapsed, setCollapsed] = useState(() => startsCollapsedOnPhone && window.matchMedia(PHONE).matches);
  const title = sheetTitle ?? rest['aria-label'] ?? t('shell.panel');
  return (
    <aside {...rest} className={`panel ${className}${collapsed ? ' sheet-collapsed' : ''}`} data-testid={testId}>
      <button
        type="button"
        className="sheet-bar"
        data-testid="sheet-bar"
        aria-expanded={!collapsed}
        title={collapsed ? t('shell.sheetShow') : t('shell.sheetHide')}
        onClick={() => setCollapsed((c) => !c)}
      >
        <span className="sheet-title">{title}</span>
        <span aria-hidden="true">{collapsed ? '▴' : '▾'}</span>
      </button>
      {children}
    </aside>
  );
}
