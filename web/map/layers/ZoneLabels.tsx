import { useEffect, useRef } from 'react';
import { Marker } from 'maplibre-gl';
import type { ZoneFeature } from '../../api/client.ts';
import { useLanguage } from '../../i18n/LanguageProvider.tsx';
import { localName } from '../../i18n/strings.ts';
import { useMap } from '../MapContext.ts';
import { zoneColor } from '../palette.ts';

/**
 * Zone names as HTML markers: the offline style has no glyphs, so MapLibre cannot draw text,
 * and the browser already has Thai fonts that shape Thai correctly.
 */
export function ZoneLabels({ zones, visible }: { zones: ZoneFeature[]; visible: boolean }) {
  const { map } = useMap();
  const { lang } = useLanguage();
  const elements = useRef(new Map<number, HTMLDivElement>());

  useEffect(() => {
    const markers = zones.map((zone) => {
      const { id, label_lon, label_lat } = zone.properties;
      const element = document.createElement('div');
      element.className = 'zone-label';
      element.dataset.zone = String(id);
      element.style.setProperty('--zone-color', zoneColor(id));
      elements.current.set(id, element);
      return new Marker({ element, anchor: 'center' }).setLngLat([label_lon, label_lat]).addTo(map);
    });
    return () => {
      for (const marker of markers) marker.remove();
      elements.current.clear();
    };
  }, [map, zones]);

  // Text and visibility change in place; rebuilding markers would flash on every toggle.
  useEffect(() => {
    for (const zone of zones) {
      const element = elements.current.get(zone.properties.id);
      if (!element) continue;
      element.textContent = localName(zone.properties, lang);
      element.hidden = !visible;
    }
  }, [zones, lang, visible]);

  return null;
}
