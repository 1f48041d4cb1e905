// Worker threads do not inherit tsx's loader hooks (Node 20): register them, then load the .ts entry.
import { register } from 'tsx/esm/api';

register();
await import('./vision-thread-main.ts');
