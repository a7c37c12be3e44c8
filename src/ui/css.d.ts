/** esbuild bundles the imported stylesheet into the app's CSS file. */
declare module '*.css';
