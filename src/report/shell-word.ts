/** Text as one shell word: as it is when it holds nothing a shell reads, else single-quoted. */
export const shellWord = (text: string): string => (/^[\w./@%+:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
