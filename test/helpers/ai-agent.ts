/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test harness: plain Node, mirrors n8n CLI code */
/**
 * A node as n8n's AI Agent uses it: the tool variant n8n generates for a `usableAsTool` node, and
 * a stand-in Agent that asks n8n-core for its tools and calls them as a model would.
 *
 * n8n-core builds and runs the tool (getInputConnectionData → createNodeAsTool →
 * makeHandleToolInvocation, $fromAI resolved from the tool call). This file only does what the
 * n8n CLI does at load time (packages/cli/src/tool-generation/ai-tools.ts convertNodeToAiTool)
 * and what an Agent does with a tool: read its name, description and JSON schema, and invoke it.
 */
import { createRequire } from 'node:module';

import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import {
	deepCopy,
	FROM_AI_AUTO_GENERATED_MARKER,
	jsonParse,
	NodeConnectionTypes,
	NodeHelpers,
} from 'n8n-workflow';

import type { N8nEngine } from './n8n-engine';

/** The part of LangChain's StructuredTool an Agent relies on. */
interface AgentTool {
	name: string;
	description: string;
	schema: unknown;
	invoke(args: IDataObject): Promise<string>;
}

const coreRequire = createRequire(require.resolve('n8n-core'));
const { toJsonSchema } = coreRequire('@langchain/core/utils/json_schema') as {
	toJsonSchema(schema: unknown): IDataObject;
};

/**
 * The `<name>Tool` type n8n adds for a `usableAsTool` node (same execute, tool description):
 * no main input, one AI tool output, and a Tool Description the user may set by hand.
 */
export function asAiTool(nodeType: INodeType): INodeType {
	const original = deepCopy(nodeType.description);
	const { usableAsTool } = original;
	const description: INodeTypeDescription = {
		...original,
		...(typeof usableAsTool === 'object' ? usableAsTool.replacements : {}),
		name: `${original.name}Tool`,
		displayName: `${original.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
	delete description.usableAsTool;
	const toolDescription: INodeProperties = {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: description.description,
		required: true,
		typeOptions: { rows: 2 },
		displayOptions: { show: { descriptionType: ['manual'] } },
	};
	const descriptionType: INodeProperties = {
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Set Automatically', value: 'auto' },
			{ name: 'Set Manually', value: 'manual' },
		],
		default: 'auto',
	};
	description.properties = [descriptionType, toolDescription, ...description.properties];
	return Object.assign(Object.create(nodeType) as INodeType, { description });
}

/**
 * What n8n's editor writes into a parameter when the user lets the model define it (the ✨
 * button): the key is the parameter's display name, the description empty unless the user adds one.
 */
export function fromAi(displayName: string, type: 'string' | 'number' | 'boolean' = 'string') {
	const key = displayName.replace(/[^a-zA-Z0-9-]/g, '_');
	return `={{ ${FROM_AI_AUTO_GENERATED_MARKER} $fromAI('${key}', \`\`, '${type}') }}`;
}

export const TEST_AGENT_TYPE = 'n8nEngineHarness.testAgent';
export const AGENT_NAME = 'Test Agent';

/** What the stand-in Agent saw of its one tool, and what each call answered. */
export interface ToolView {
	name: string;
	description: string;
	/** The JSON schema a model is given for the tool's arguments. */
	parameters: IDataObject;
	/** Per call: the tool's answer parsed as JSON, or the error message the Agent would pass on. */
	calls: Array<{ answer: unknown } | { error: string }>;
}

/** Like an AI Agent with one tool, whose "model" makes the calls listed in its Calls parameter. */
export const testAgent: INodeType = {
	description: {
		displayName: 'Test Agent',
		name: TEST_AGENT_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Calls its tool with the arguments given, as a model would',
		defaults: { name: AGENT_NAME },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true, maxConnections: 1 },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tool = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as AgentTool;
		const raw = this.getNodeParameter('calls', 0) as string;
		const view: ToolView = {
			name: tool.name,
			description: tool.description,
			parameters: toJsonSchema(tool.schema),
			calls: [],
		};
		for (const args of jsonParse<IDataObject[]>(raw)) {
			try {
				view.calls.push({ answer: jsonParse(await tool.invoke(args)) });
			} catch (error) {
				view.calls.push({ error: (error as Error).message });
			}
		}
		return [[{ json: view as unknown as IDataObject }]];
	},
};

/**
 * Runs an Agent whose one tool is `tool` (a `<name>Tool` type the engine knows), named as n8n names
 * a new tool node; the "model" makes `calls`. Returns what the Agent saw and got.
 */
export async function askAgentWithTool(
	engine: N8nEngine,
	tool: { type: string; description: INodeTypeDescription },
	parameters: INodeParameters,
	calls: IDataObject[],
): Promise<ToolView> {
	const toolNode: INode = {
		id: 'flinks-tool',
		name: NodeHelpers.makeNodeName(parameters, tool.description),
		type: tool.type,
		typeVersion: engine.typeVersionOf(tool.type),
		position: [220, 200],
		parameters,
		credentials: engine.nodeCredentials(),
	};
	const agent: INode = {
		id: 'agent',
		name: AGENT_NAME,
		type: TEST_AGENT_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: { calls: JSON.stringify(calls) },
	};
	const run = await engine.runWorkflow({
		items: [{ chatInput: 'a question for the agent' }],
		nodes: [agent, toolNode],
		connections: {
			[toolNode.name]: {
				[NodeConnectionTypes.AiTool]: [
					[{ node: AGENT_NAME, type: NodeConnectionTypes.AiTool, index: 0 }],
				],
			},
		},
		first: AGENT_NAME,
	});
	const view = run.data.resultData.runData[AGENT_NAME]?.[0]?.data?.main[0]?.[0]?.json;
	if (!view) throw new Error(`The agent did not run: ${run.data.resultData.error?.message}`);
	return view as unknown as ToolView;
}
