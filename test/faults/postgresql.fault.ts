import { defineFaultSuite } from './fault-suite.ts';

defineFaultSuite('postgresql');
