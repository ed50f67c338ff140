import type { INodeProperties } from 'n8n-workflow';

/** The Session ID parameter shared by every operation that acts on an existing session. */
export const sessionIdField: INodeProperties = {
	displayName: 'Session ID',
	name: 'sessionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301',
	description:
		'The UUID of the e-Transfer session, as returned when it was created. Usually an expression that reads it from the input item.',
};
