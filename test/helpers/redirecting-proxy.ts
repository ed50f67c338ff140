/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import http from 'http';
import type { AddressInfo } from 'net';

/**
 * A gateway in front of a Flinks server that passes every request through, except the requests
 * `shouldRedirect` picks, which it answers with a 302 to `redirectTo` plus the same path (e.g. a
 * server that records what it receives). It proves that a client does not follow redirects.
 */
export class RedirectingProxy {
	readonly redirected: string[] = [];

	private constructor(
		private readonly server: http.Server,
		readonly baseUrl: string,
	) {}

	static async start(
		target: string,
		redirectTo: string,
		shouldRedirect: (method: string, path: string) => boolean,
	): Promise<RedirectingProxy> {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const proxy = new RedirectingProxy(
			server,
			`http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		);
		server.on('request', (req, res) => {
			const path = req.url ?? '/';
			if (shouldRedirect(req.method ?? 'GET', path)) {
				proxy.redirected.push(path);
				res.writeHead(302, { location: `${redirectTo}${path}` }).end();
				return;
			}
			const upstream = http.request(`${target}${path}`, {
				method: req.method,
				headers: req.headers,
			});
			upstream.on('response', (answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			upstream.on('error', () => res.writeHead(502).end());
			req.pipe(upstream);
		});
		return proxy;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
