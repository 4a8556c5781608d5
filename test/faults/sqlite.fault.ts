import { defineFaultSuite } from './fault-suite.ts';

defineFaultSuite('sqlite');
