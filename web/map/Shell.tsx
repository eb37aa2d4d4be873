import type { HTMLAttributes, ReactNode } from 'react';

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
 */
export function Shell({ header, className, mainClassName, children }: ShellProps) {
  return (
    <div className={`app ${className}`}>
      <header className="app-header">{header}</header>
      <main className={mainClassName ? `app-main ${mainClassName}` : 'app-main'}>{children}</main>
    </div>
  );
}

type PanelProps = HTMLAttributes<HTMLElement> & {
  /** The panel's own class ("layer-switcher", "flood-wall"…): its place and size. */
  className: string;
  testId?: string;
  children: ReactNode;
};

/** One panel floating over the map. Every page's panels are these, so they all behave alike. */
export function Panel({ className, testId, children, ...rest }: PanelProps) {
  return (
    <aside {...rest} className={`panel ${className}`} data-testid={testId}>
      {children}
    </aside>
  );
}
