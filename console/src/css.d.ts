// Stylesheets are imported for esbuild, which bundles them into the console's own CSS file.
declare module '*.css';
