/**
 * What the editor shows, read against n8n's UI text style (docs: "Node UI design" and "UX
 * guidelines for community nodes"): Title Case names, sentence-case help without a period when it
 * is one sentence and with one when it is more, booleans described with "Whether", lists and
 * optional fields in alphabetical order, placeholders starting with "e.g.", and a subtitle that
 * resolves to display names, not parameter values.
 */
import type {
	ICredentialType,
	INode,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { FlinksConnectApi } from '../credentials/FlinksConnectApi.credentials';
import { FlinksPayApi } from '../credentials/FlinksPayApi.credentials';
import { FlinksWebhookApi } from '../credentials/FlinksWebhookApi.credentials';
import { FlinksConnect } from '../nodes/Flinks/FlinksConnect.node';
import { FlinksSession } from '../nodes/Flinks/FlinksSession.node';
import { FlinksTrigger } from '../nodes/Flinks/FlinksTrigger.node';

type Choice = INodePropertyOptions | INodeProperties | INodePropertyCollection;

const session = new FlinksSession();
const trigger = new FlinksTrigger();
const nodes: Array<[string, INodeType]> = [
	['Flinks Session', session],
	['Flinks Trigger', trigger],
	['Flinks Connect', new FlinksConnect()],
];
const credentials: Array<[string, ICredentialType]> = [
	['Flinks Pay API', new FlinksPayApi()],
	['Flinks Webhook API', new FlinksWebhookApi()],
	['Flinks Connect API', new FlinksConnectApi()],
];

/** Words Title Case leaves in lower case: articles, conjunctions, short prepositions. */
const SMALL_WORDS = new Set([
	'a',
	'an',
	'and',
	'as',
	'at',
	'by',
	'for',
	'from',
	'in',
	'of',
	'on',
	'or',
	'the',
	'to',
	'with',
]);

function isTitleCase(text: string): boolean {
	return text.split(/\s+/).every((raw, index) => {
		const word = raw.replace(/^[("']+|[)"',:]+$/g, '');
		if (!/^[a-z]/.test(word)) return true;
		// Flinks' own spelling of its product, as Interac spells it.
		if (/^e-[A-Z]/.test(word)) return true;
		return index > 0 && SMALL_WORDS.has(word);
	});
}

/** Sentences, not counting the full stops of "e.g." and "i.e.". */
function sentencesIn(text: string): number {
	const plain = text.replace(/\b(e\.g|i\.e)\./g, '$1').replace(/<[^>]+>/g, '');
	return plain.split(/[.!?]\s+(?=[A-Z0-9'"])/).length;
}

/** n8n's style table: sentence case; no period for one sentence, a period for more. */
function styleProblem(text: string): string | undefined {
	if (/^https?:\/\//.test(text)) return undefined;
	if (!/^[A-Z0-9'"]/.test(text)) return 'does not start with a capital letter';
	const endsWithPeriod = text.trimEnd().endsWith('.');
	if (sentencesIn(text) === 1 && endsWithPeriod) return 'is one sentence ending with a period';
	if (sentencesIn(text) > 1 && !endsWithPeriod) return 'has several sentences but no final period';
	return undefined;
}

interface Shown {
	where: string;
	kind: 'name' | 'help' | 'boolean' | 'placeholder';
	text: string;
}

/** Every text the editor shows for these properties, with where it comes from. */
function shownTexts(owner: string, properties: INodeProperties[]): Shown[] {
	const texts: Shown[] = [];
	const visit = (path: string, choice: Choice) => {
		const where = `${path} › ${'displayName' in choice ? choice.displayName : choice.name}`;
		if ('type' in choice && choice.type === 'hidden') return;
		if ('type' in choice && choice.type === 'notice') {
			texts.push({ where, kind: 'help', text: choice.displayName });
			return;
		}
		texts.push({
			where,
			kind: 'name',
			text: 'displayName' in choice ? choice.displayName : choice.name,
		});
		if ('description' in choice && choice.description) {
			const boolean = 'type' in choice && choice.type === 'boolean';
			texts.push({ where, kind: boolean ? 'boolean' : 'help', text: choice.description });
		}
		if ('action' in choice && choice.action)
			texts.push({ where, kind: 'help', text: choice.action });
		if ('hint' in choice && choice.hint) texts.push({ where, kind: 'help', text: choice.hint });
		if ('placeholder' in choice && choice.placeholder && !/collection/.test(String(choice.type))) {
			texts.push({ where, kind: 'placeholder', text: String(choice.placeholder) });
		}
		for (const option of ('options' in choice ? choice.options : undefined) ?? []) {
			visit(where, option as Choice);
		}
	};
	for (const property of properties) visit(owner, property);
	return texts;
}

const everyText = [
	...nodes.flatMap(([name, node]) => [
		{ where: name, kind: 'name' as const, text: node.description.displayName },
		{ where: name, kind: 'help' as const, text: node.description.description },
		...shownTexts(name, node.description.properties),
	]),
	...credentials.flatMap(([name, credential]) => [
		{ where: name, kind: 'name' as const, text: credential.displayName },
		...shownTexts(name, credential.properties),
	]),
];

/** Every list of choices (dropdowns, multi-selects, collections) with its entries' names. */
function choiceLists(owner: string, properties: INodeProperties[]): Array<[string, string[]]> {
	const lists: Array<[string, string[]]> = [];
	for (const property of properties) {
		const where = `${owner} › ${property.displayName}`;
		const options = (property.options ?? []) as Choice[];
		if (options.length > 1) {
			lists.push([where, options.map((o) => ('displayName' in o ? o.displayName : o.name))]);
		}
		const nested = options.filter((o): o is INodeProperties => 'type' in o);
		lists.push(...choiceLists(where, nested));
	}
	return lists;
}

describe('what the editor shows, by n8n UI text style', () => {
	it('spells node, credential, parameter and option names in Title Case', () => {
		const names = everyText.filter((shown) => shown.kind === 'name');
		expect(names.length).toBeGreaterThan(40);
		expect(names.filter((shown) => !isTitleCase(shown.text))).toEqual([]);
	});

	it('writes descriptions, actions, hints and notices in sentence case, with a period only after several sentences', () => {
		const help = everyText.filter((shown) => shown.kind === 'help' || shown.kind === 'boolean');
		expect(help.length).toBeGreaterThan(40);
		const problems = help.flatMap((shown) => {
			const problem = styleProblem(shown.text);
			return problem ? [`${shown.where}: "${shown.text}" ${problem}`] : [];
		});
		expect(problems).toEqual([]);
	});

	it('describes every boolean with "Whether"', () => {
		const booleans = everyText.filter((shown) => shown.kind === 'boolean');
		expect(booleans.map((shown) => shown.where)).toEqual(
			expect.arrayContaining([
				'Flinks Session › Simplify',
				'Flinks Session › Send Interac Link',
				'Flinks Trigger › Confirm With Flinks',
				'Flinks Trigger › Options › Ignore Repeats',
			]),
		);
		expect(booleans.filter((shown) => !shown.text.startsWith('Whether '))).toEqual([]);
	});

	it('starts every example placeholder with "e.g."', () => {
		const placeholders = everyText.filter((shown) => shown.kind === 'placeholder');
		expect(placeholders.length).toBeGreaterThan(5);
		expect(placeholders.filter((shown) => !shown.text.startsWith('e.g. '))).toEqual([]);
	});

	it('lists choices and optional fields alphabetically', () => {
		const lists = [
			...nodes.flatMap(([name, node]) => choiceLists(name, node.description.properties)),
			...credentials.flatMap(([name, credential]) => choiceLists(name, credential.properties)),
		];
		expect(lists.map(([where]) => where)).toEqual(
			expect.arrayContaining([
				'Flinks Session › Operation',
				'Flinks Session › Options',
				'Flinks Session › Additional Fields',
				'Flinks Trigger › Trigger On',
				'Flinks Pay API › Environment',
			]),
		);
		const unsorted = lists.filter(([, names]) => {
			const sorted = [...names].sort((a, b) => a.localeCompare(b));
			return names.join('\n') !== sorted.join('\n');
		});
		expect(unsorted).toEqual([]);
	});

	it('offers each credential of the trigger in its own selector', () => {
		// n8n's editor takes a parameter named in a credential's displayOptions for the node's
		// authentication choice, and then fills the other credential's selector with this type.
		const credentialsOf = trigger.description.credentials ?? [];
		expect(credentialsOf.map(({ name, required }) => [name, required])).toEqual([
			['flinksWebhookApi', true],
			['flinksPayApi', false],
		]);
		expect(credentialsOf.filter((credential) => credential.displayOptions)).toEqual([]);
	});

	it("names the trigger's events 'Trigger On', without a tooltip", () => {
		const events = trigger.description.properties.find((p) => p.name === 'events');
		expect(events).toMatchObject({ displayName: 'Trigger On', type: 'multiOptions' });
		expect(events?.description).toBeUndefined();
	});

	it("uses n8n's operation names, and actions that name the session", () => {
		const operation = session.description.properties.find((p) => p.name === 'operation');
		const options = operation?.options as INodePropertyOptions[];
		expect(options.map(({ name, value, action }) => [name, value, action])).toEqual([
			['Cancel', 'cancel', 'Cancel a payment session'],
			['Confirm Guarantee', 'confirmGuarantee', 'Confirm the guarantee of a payment session'],
			['Create', 'create', 'Create a payment session'],
			['Get', 'getDetails', 'Get a payment session'],
			['Get Status', 'getStatus', 'Get the status of a payment session'],
		]);
	});
});

describe('subtitles on the canvas', () => {
	const nodeTypes: INodeTypes = {
		getByName: (type) => (type === 'flinksTrigger' ? trigger : session),
		getByNameAndVersion: (type, version) =>
			NodeHelpers.getVersionedNodeType(type === 'flinksTrigger' ? trigger : session, version),
		getKnownTypes: () => ({}),
	};

	/** The subtitle as n8n resolves it for a node with these parameters. */
	function subtitleOf(type: 'flinksSession' | 'flinksTrigger', parameters: INode['parameters']) {
		const nodeType = type === 'flinksTrigger' ? trigger : session;
		const node: INode = {
			id: 'node',
			name: 'Node',
			type,
			typeVersion: 1,
			position: [0, 0],
			parameters,
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(
			node,
			nodeType.description.subtitle as string,
			'internal',
			{},
		);
	}

	it.each([
		['cancel', 'Cancel: Payment Session'],
		['confirmGuarantee', 'Confirm Guarantee: Payment Session'],
		['create', 'Create: Payment Session'],
		['getDetails', 'Get: Payment Session'],
		['getStatus', 'Get Status: Payment Session'],
	])('Flinks Session › %s reads "%s"', (operation, subtitle) => {
		expect(subtitleOf('flinksSession', { resource: 'session', operation })).toBe(subtitle);
	});

	it('Flinks Trigger names the events it starts on', () => {
		expect(subtitleOf('flinksTrigger', { events: ['completed', 'failed'] })).toBe(
			'On Completed, Failed',
		);
	});
});
