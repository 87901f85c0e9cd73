// ESLint rule: the workspace's module boundaries, from Nx project tags (package.json "nx.tags").
//   - @caudal/* packages are imported through their index only (no deep imports);
//   - relative imports never leave their project;
//   - every depConstraint whose sourceTag the importing project has must be met by the imported one
//     (the same shape as Nx's enforce-module-boundaries, which lags behind Nx 24 here).
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function readProjects() {
  const projects = [];
  for (const group of ['apps', 'libs']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const manifest = path.join(dir, name, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      projects.push({ name: pkg.name, root: path.join(dir, name), tags: (pkg.nx && pkg.nx.tags) || [] });
    }
  }
  return projects;
}

function violation(constraints, source, target) {
  if (source.name === target.name)
    return `${source.name} imports itself by package name; use a relative import`;
  for (const constraint of constraints) {
    if (!source.tags.includes(constraint.sourceTag)) continue;
    const allowed = constraint.onlyDependOnLibsWithTags;
    if (!allowed.some((tag) => target.tags.includes(tag))) {
      return `${source.name} (${constraint.sourceTag}) may depend only on projects tagged ${allowed.join(' or ')}; ${target.name} is tagged ${target.tags.join(', ') || 'nothing'}`;
    }
  }
  return undefined;
}

module.exports = {
  rules: {
    'module-boundaries': {
      meta: {
        type: 'problem',
        schema: [
          { type: 'object', properties: { depConstraints: { type: 'array' } }, additionalProperties: false },
        ],
      },
      create(context) {
        const constraints = (context.options[0] && context.options[0].depConstraints) || [];
        const projects = readProjects();
        const file = path.resolve(context.filename);
        const source = projects.find((p) => file.startsWith(p.root + path.sep));
        if (!source) return {};

        function check(node, specifier) {
          if (typeof specifier !== 'string') return;
          if (specifier.startsWith('.')) {
            const resolved = path.resolve(path.dirname(file), specifier);
            if (!resolved.startsWith(source.root + path.sep) && resolved !== source.root) {
              context.report({
                node,
                message: `relative import "${specifier}" leaves ${source.name}; import the package instead`,
              });
            }
            return;
          }
          if (!specifier.startsWith('@caudal/')) return;
          const [scope, name, ...rest] = specifier.split('/');
          const target = projects.find((p) => p.name === `${scope}/${name}`);
          if (!target) {
            context.report({ node, message: `"${specifier}" is not a project of this workspace` });
            return;
          }
          if (rest.length > 0) {
            context.report({
              node,
              message: `deep import "${specifier}": import ${target.name} through its index`,
            });
            return;
          }
          if (target.tags.includes('type:app')) {
            context.report({
              node,
              message: `${source.name} imports the app ${target.name}; apps are never imported`,
            });
            return;
          }
          const problem = violation(constraints, source, target);
          if (problem) context.report({ node, message: problem });
        }

        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
        };
      },
    },
  },
};
