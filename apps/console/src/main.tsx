import { render } from 'preact';
import { Console } from './console';

const mount = document.getElementById('console');
if (!mount) throw new Error('index.html lacks #console');
render(<Console />, mount);
