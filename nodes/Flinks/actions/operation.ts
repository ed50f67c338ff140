import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { FlinksClient } from '../api/client';
import type { SessionOptions } from './fields';

/** One operation for one input item: returns that item's output. */
export type SessionOperation<Item extends IDataObject> = (
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
	options: SessionOptions,
) => Promise<Item>;
