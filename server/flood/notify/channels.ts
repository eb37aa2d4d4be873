import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert } from '../queries/alerts.ts';
import { alertLink, alertText, type NotificationReason } from './message.ts';
import { postChecked } from './outbound.ts';

interface Delivery {
  /** The notification's id: receivers use it to drop a delivery they have already had. */
  id: number;
  alert: Alert;
  reason: NotificationReason;
  address: string;
}

/** `retry`: worth trying again later (network, 429, 5xx); otherwise the receiver refused it for good. */
type SendResult = { ok: true } | { ok: false; retry: boolean; error: string };

export interface Channel {
  send(delivery: Delivery): Promise<SendResult>;
}

export interface ChannelSettings {
  publicUrl: string;
  /** Signs webhook bodies (X-Mueang-Signature: sha256=<hex HMAC>) so receivers can trust them. */
  webhookSecret: string | null;
  line: { apiBase: string; channelToken: string | null };
  timeoutMs: number;
  /** Hosts (`host` or `host:port`) an administrator allows although they are not on the public internet. */
  allowHosts: readonly string[];
}

/** A POST of JSON to the contact's URL: the generic way into any other system (SMS gateway, radio room, chat). */
function webhookChannel(settings: ChannelSettings): Channel {
  return {
    send: ({ id, alert, reason, address }) => {
      const body = JSON.stringify({
        event: 'flood.alert',
        delivery: id,
        reason,
        alert: {
          id: alert.id,
          type: alert.type,
          severity: alert.severity,
          status: alert.status,
          sensor: { code: alert.sensor_code, name_th: alert.sensor_name_th, name_en: alert.sensor_name_en, zone: alert.zone_id },
          level_m: alert.level_m,
          reading_at: alert.reading_at,
          opened_at: alert.opened_at,
        },
        text: alertText(alert, reason, settings.publicUrl),
        url: alertLink(settings.publicUrl, alert.id),
      });
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'X-Mueang-Event': 'flood.alert',
        'X-Mueang-Delivery': String(id),
      };
      if (settings.webhookSecret) {
        headers['X-Mueang-Signature'] = `sha256=${createHmac('sha256', settings.webhookSecret).update(body).digest('hex')}`;
      }
      return postChecked(address, headers, body, settings.timeoutMs, settings.allowHosts);
    },
  };
}

/** LINE wants a UUID as the retry key; the same notification always gets the same one. */
export function retryKey(deliveryId: number): string {
  const hex = createHash('sha256').update(`mueang-notification-${deliveryId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * LINE Messaging API push message to a user or group id: the text, then a buttons template
 * whose postback acknowledges the alert from the chat. X-Line-Retry-Key makes a resend after a
 * timeout harmless: LINE answers 409 for a key it has already accepted, which counts as sent.
 */
function lineChannel(settings: ChannelSettings): Channel {
  return {
    async send({ id, alert, reason, address }) {
      if (!settings.line.channelToken) return { ok: false, retry: false, error: 'LINE_CHANNEL_TOKEN is not set' };
      const text = alertText(alert, reason, settings.publicUrl);
      const body = JSON.stringify({
        to: address,
        messages: [
          { type: 'text', text },
          {
            type: 'template',
            altText: text.split('\n')[0],
            template: {
              type: 'buttons',
              // LINE limits a buttons template's text to 160 characters.
              text: `${alert.sensor_name_th} (${alert.sensor_code})`.slice(0, 160),
              actions: [
                { type: 'postback', label: 'รับทราบ', data: `action=acknowledge&alert=${alert.id}`, displayText: 'รับทราบ' },
                { type: 'uri', label: 'เปิดแผนที่', uri: alertLink(settings.publicUrl, alert.id) },
              ],
            },
          },
        ],
      });
      const result = await postChecked(
        `${settings.line.apiBase.replace(/\/$/, '')}/v2/bot/message/push`,
        {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${settings.line.channelToken}`,
          'X-Line-Retry-Key': retryKey(id),
        },
        body,
        settings.timeoutMs,
        settings.allowHosts,
      );
      return !result.ok && result.status === 409 ? { ok: true } : result;
    },
  };
}

export const channelsFor = (settings: ChannelSettings): Record<'webhook' | 'line', Channel> => ({
  webhook: webhookChannel(settings),
  line: lineChannel(settings),
});

/** LINE signs each webhook body: base64 of its HMAC-SHA256 under the channel secret. */
export function lineSignatureValid(channelSecret: string, body: string, signature: string): boolean {
  const expected = createHmac('sha256', channelSecret).update(body).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The alert an acknowledge button's postback names, if that is what it is. */
export function acknowledgedAlert(postbackData: string): number | null {
  const params = new URLSearchParams(postbackData);
  const id = Number(params.get('alert'));
  return params.get('action') === 'acknowledge' && Number.isInteger(id) && id > 0 ? id : null;
}
