import type { WalkStep } from '../walk';
import {
	connectActions,
	connectCredentialTested,
	connectCredentialWrongSecret,
	connectSummaryOutput,
	connectSummaryParameters,
} from './connect';
import { credentialReopened, credentialTested, credentialWrongSecret } from './credential';
import {
	createFieldsPerType,
	createWithoutAmount,
	executeCreate,
	saveCreateWorkflow,
} from './create';
import { docsLinks } from './docs-links';
import { listSessionActions, searchNodesPanel, signUpOwner } from './first-run';
import {
	cancelEnded,
	cancelErrorOutput,
	cancelParameters,
	getFull,
	getSimplified,
} from './sessions';
import { triggerParameters, triggerTestEvent } from './trigger';

/**
 * What a new user does, in order: `npm run test:editor` walks it on every release and
 * `npm run screenshots` takes README's pictures from the steps that name one.
 */
export const EDITOR_WALK: WalkStep[] = [
	signUpOwner,
	searchNodesPanel,
	listSessionActions,
	credentialWrongSecret,
	credentialTested,
	credentialReopened,
	createFieldsPerType,
	createWithoutAmount,
	executeCreate,
	saveCreateWorkflow,
	getSimplified,
	getFull,
	cancelParameters,
	cancelEnded,
	cancelErrorOutput,
	triggerParameters,
	triggerTestEvent,
	connectActions,
	connectCredentialWrongSecret,
	connectCredentialTested,
	connectSummaryParameters,
	connectSummaryOutput,
	docsLinks,
];
