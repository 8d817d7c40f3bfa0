/** Where `connector package --format zip` writes the Lambda zip (`connector register` reads it). */
export const DEFAULT_ZIP = ".connector/function.zip";
