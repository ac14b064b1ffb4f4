/**
 * "Notify me on this phone": this browser's web push subscription, kept in step with the
 * server (POST/DELETE /api/v1/me/push-subscriptions).
 */
export type PushStatus = 'checking' | 'unsupported' | 'denied' | 'off' | 'on';

const API = '/api/v1/me/push-subscriptions';
/** A service worker that never becomes ready (blocked, private mode) must not leave the switch spinning. */
const READY_TIMEOUT_MS = 10_000;

export class PushSwitch {
	status = $state<PushStatus>('checking');
	busy = $state(false);
	failed = $state(false);

	/** The server's VAPID public key, read when subscribing (page data may be refreshed meanwhile). */
	constructor(private readonly publicKey: () => string) {}

	async init(): Promise<void> {
		const registration = await this.registration();
		if (!registration) return;
		if (Notification.permission === 'denied') {
			this.status = 'denied';
			return;
		}
		const existing = await registration.pushManager.getSubscription();
		if (!existing) {
			this.status = 'off';
			return;
		}
		// The server may have dropped it (a push service said gone) or another account may hold it: tell it again.
		this.status = (await this.save(existing)) ? 'on' : 'off';
	}

	async enable(): Promise<void> {
		const registration = await this.registration();
		if (!registration) return;
		await this.run(async () => {
			const permission = await Notification.requestPermission();
			if (permission === 'denied') {
				this.status = 'denied';
				return;
			}
			if (permission !== 'granted') return;
			const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64urlBytes(this.publicKey()) });
			if (!(await this.save(subscription))) throw new Error('the server did not keep the subscription');
			this.status = 'on';
		});
	}

	async disable(): Promise<void> {
		const registration = await this.registration();
		if (!registration) return;
		await this.run(async () => {
			const subscription = await registration.pushManager.getSubscription();
			if (subscription) {
				const response = await fetch(API, {
					method: 'DELETE',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ endpoint: subscription.endpoint })
				});
				if (!response.ok) throw new Error(`unsubscribe answered ${response.status}`);
				await subscription.unsubscribe();
			}
			this.status = 'off';
		});
	}

	private async run(step: () => Promise<void>) {
		this.busy = true;
		this.failed = false;
		try {
			await step();
		} catch {
			this.failed = true;
		} finally {
			this.busy = false;
		}
	}

	private async save(subscription: PushSubscription): Promise<boolean> {
		const response = await fetch(API, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(subscription.toJSON()) });
		return response.ok;
	}

	private async registration(): Promise<ServiceWorkerRegistration | null> {
		if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
			this.status = 'unsupported';
			return null;
		}
		const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), READY_TIMEOUT_MS));
		const registration = await Promise.race([navigator.serviceWorker.ready, timeout]);
		if (!registration) this.status = 'unsupported';
		return registration;
	}
}

function base64urlBytes(value: string): Uint8Array<ArrayBuffer> {
	const base64 = value
		.replace(/-/g, '+')
		.replace(/_/g, '/')
		.padEnd(Math.ceil(value.length / 4) * 4, '=');
	const binary = atob(base64);
	const bytes = new Uint8Array(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
