/** TEMPORARY stand-in for codegen/config-docs.ts (owned by another helper) until it lands. */
export function renderConfigDocs(schema: object): string {
  return `# Configuration\n\n\`\`\`json\n${JSON.stringify(schema, null, 2)}\n\`\`\`\n`;
}
