import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { KeyedFlinksClient } from '../api/keyedClient';

/** One Flinks Connect operation for one input item: that item's outputs (at least one). */
export type ConnectOperation = (
	ctx: IExecuteFunctions,
	client: KeyedFlinksClient,
	itemIndex: number,
) => Promise<IDataObject[]>;
