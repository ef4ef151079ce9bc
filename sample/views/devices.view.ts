import type { Notice } from '../app-session.interface.js';
import { POLICY_WORDS } from '../session-policies.constants.js';
import { html } from './html.template.js';
import { layout, postButton } from './layout.view.js';
import { formatTime } from './time.format.js';

/** One row of "Your devices": a session of the signed-in user. */
export interface DeviceRow {
  id: string;
  browser: string;
  ip: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The session making this request. */
  current: boolean;
}

/** What the devices page shows. */
export interface DevicesView {
  csrf: string;
  username: string;
  notice?: Notice;
  devices: readonly DeviceRow[];
}

/** `GET /devices`: every session of the user, each with a Revoke button. */
export function devicesPage(view: DevicesView): string {
  const rows = view.devices.map((device) => {
    const revoke = `/devices/${encodeURIComponent(device.id)}/revoke`;
    return html`<tr class="${device.current ? 'current' : ''}" data-session-id="${device.id}">
      <td>${device.browser}${device.current && html`<span class="badge">this device</span>`}</td>
      <td>${device.ip}</td>
      <td class="time">${formatTime(device.createdAt)}</td>
      <td class="time">${formatTime(device.lastSeenAt)}</td>
      <td>${postButton(revoke, view.csrf, 'Revoke', 'danger')}</td>
    </tr>`;
  });
  const others = view.devices.filter((device) => !device.current).length;
  return layout({
    title: 'Your devices',
    csrf: view.csrf,
    username: view.username,
    notice: view.notice,
    body: html`<p class="hint">
        Every browser signed in as ${view.username}. Revoking one signs it out at once.
      </p>
      <p class="hint limit">You can be signed in on ${POLICY_WORDS.devices}.</p>
      <table>
        <thead>
          <tr>
            <th>Browser</th>
            <th>IP</th>
            <th>Created</th>
            <th>Last seen</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
      <div class="actions">
        ${
          others > 0
            ? postButton('/devices/revoke-others', view.csrf, 'Sign out everywhere else')
            : html`<span class="hint">No other device is signed in.</span>`
        }
      </div>`,
  });
}
