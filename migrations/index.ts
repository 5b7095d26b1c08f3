import { Baseline1733000000000 } from './1733000000000-baseline';
import { TamperEvidence1733000100000 } from './1733000100000-tamper-evidence';
import { Live1733000200000 } from './1733000200000-live';
import { TimelineActor1733000300000 } from './1733000300000-timeline-actor';
import { CheaperAppend1733000400000 } from './1733000400000-cheaper-append';

/** Every migration, in order. The app and the migration CLI both run this list. */
export const migrations = [Baseline1733000000000, TamperEvidence1733000100000, Live1733000200000, TimelineActor1733000300000, CheaperAppend1733000400000];
