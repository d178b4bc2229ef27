/* The form designer's option lists typed as text (designer.js): one option per line for a select, an
 * indented outline or "Parent/Child" paths for a cascade. Options keep their stored values by label, so
 * retyping a list never renames what records hold. Pure functions, no page state. */
(function () {
  "use strict";

  function optionsFromLines(text, previous) {
    var byLabel = {};
    previous.forEach(function (o) { byLabel[o.label] = o; });
    var seen = {};
    var options = [];
    text.split(/\r?\n/).forEach(function (line) {
      var label = line.trim();
      if (!label || seen[label]) return;
      seen[label] = true;
      options.push(byLabel[label] ? { value: byLabel[label].value, label: label } : { label: label });
    });
    return options;
  }

  // Cascade options: an indented outline (two spaces a level) or "Parent/Child" paths.
  function treeToText(options, depth) {
    return options.map(function (option) {
      var line = new Array(depth + 1).join("  ") + option.label;
      var children = option.children && option.children.length ? "\n" + treeToText(option.children, depth + 1) : "";
      return line + children;
    }).join("\n");
  }

  function indentOf(line) {
    var match = line.match(/^[ \t\u3000]*/)[0];
    var depth = 0;
    for (var i = 0; i < match.length; i++) depth += match[i] === " " ? 0.5 : 1;
    return Math.floor(depth);
  }

  function treeFromText(text, previous) {
    var top = [];
    var stack = [];  // stack[d] = the option at depth d most recently added
    text.split(/\r?\n/).forEach(function (line) {
      if (!line.trim()) return;
      var labels;
      var depth;
      if (line.trim().indexOf("/") !== -1) {
        labels = line.trim().split("/").map(function (s) { return s.trim(); }).filter(Boolean);
        depth = 0;
      } else {
        labels = [line.trim()];
        depth = Math.min(indentOf(line), stack.length);
      }
      labels.forEach(function (label, offset) {
        var level = depth + offset;
        var siblings = level === 0 ? top : (stack[level - 1].children = stack[level - 1].children || []);
        var node = siblings.filter(function (o) { return o.label === label; })[0];
        if (!node) { node = { label: label }; siblings.push(node); }
        stack.length = level;
        stack[level] = node;
      });
    });
    keepValues(top, previous || []);
    return top;
  }

  function keepValues(options, previous) {
    options.forEach(function (option) {
      var before = previous.filter(function (o) { return o.label === option.label; })[0];
      if (before && before.value) option.value = before.value;
      if (option.children) keepValues(option.children, (before && before.children) || []);
    });
  }

  window.ShouhouDesignerOptions = {
    optionsFromLines: optionsFromLines, treeToText: treeToText, treeFromText: treeFromText
  };
})();
