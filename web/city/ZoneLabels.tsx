import { useEffect } from 'react';
import type { ZoneFeature } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { zoneColor } from '../map/palette.ts';
import { useZoneMarkers } from '../map/useZoneMarkers.ts';

/** Zone names on the city map, and after each, what `suffix` says of it (pickups served %). */
export function ZoneLabels({ zones, visible, suffix }: { zones: ZoneFeature[]; visible: boolean; suffix?: (zone: number) => string }) {
  const { lang } = useLanguage();
  const elements = useZoneMarkers(zones, (id) => {
    const element = document.createElement('div');
    element.className = 'zone-label';
    element.style.setProperty('--zone-color', zoneColor(id));
    return element;
  });

  // Text and visibility change in place; rebuilding markers would flash on every toggle.
  useEffect(() => {
    for (const zone of zones) {
      const element = elements.current.get(zone.properties.id);
      if (!element) continue;
      const extra = suffix?.(zone.properties.id);
      element.textContent = extra ? `${localName(zone.properties, lang)} · ${extra}` : localName(zone.properties, lang);
      element.hidden = !visible;
    }
  }, [zones, lang, visible, elements, suffix]);

  return null;
}
