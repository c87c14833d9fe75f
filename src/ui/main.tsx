// Entry point of the browser app.
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { startWorker } from './store.js';
import './styles.css';

startWorker();
createRoot(document.getElementById('root')!).render(<App />);
