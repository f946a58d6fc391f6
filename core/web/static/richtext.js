// Rich-text editing: every <textarea data-rich> gets a formatting toolbar and an
// editable area, so staff format with buttons (bold, headings, lists, links)
// instead of typing HTML. The textarea stays in the form and holds the HTML
// after every change; the server sanitises it as before (core.SanitizeHTML).
// Without JavaScript the textarea takes plain text, blank lines between
// paragraphs, or the same few HTML tags.
//
// The toolbar's buttons and messages come translated from the page, in
// <template id="rich-toolbar"> (layout/rich_editor.html).
(function () {
  "use strict";
  var proto = document.getElementById("rich-toolbar");
  var fields = document.querySelectorAll("textarea[data-rich]");
  if (!proto || !fields.length || !document.execCommand || !window.DOMParser) { return; }

  // What the server keeps (core/richtext.go allowedTags); other elements give
  // up their tag but keep their text, and code goes with its content.
  var KEEP = { P: 1, BR: 1, STRONG: 1, B: 1, EM: 1, I: 1, U: 1, UL: 1, OL: 1, LI: 1, A: 1, H2: 1, H3: 1, BLOCKQUOTE: 1 };
  var DROP = { SCRIPT: 1, STYLE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, NOSCRIPT: 1, TEMPLATE: 1, SVG: 1, MATH: 1,
    TEXTAREA: 1, SELECT: 1, HEAD: 1, TITLE: 1, META: 1, LINK: 1, IMG: 1 };
  // Blocks from pasted documents become paragraphs, so their lines stay apart.
  var BLOCK = { DIV: 1, SECTION: 1, ARTICLE: 1, HEADER: 1, FOOTER: 1, H1: 1, H4: 1, H5: 1, H6: 1, PRE: 1, TR: 1, DT: 1, DD: 1 };
  var INLINE_ONLY = { P: 1, H2: 1, H3: 1, LI: 1 }; // a block here would nest blocks
  var TOP = { P: 1, H2: 1, H3: 1, UL: 1, OL: 1, BLOCKQUOTE: 1 }; // what the area holds

  function safeHref(href) {
    href = (href || "").trim();
    return /^(https?:\/\/|mailto:)/i.test(href) ? href : "";
  }

  // clean copies the children of from into into, keeping only what the server keeps.
  function clean(from, into) {
    for (var n = from.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { into.appendChild(document.createTextNode(n.nodeValue)); continue; }
      if (n.nodeType !== 1) { continue; }
      var tag = n.nodeName.toUpperCase();
      if (DROP[tag]) { continue; }
      var el = null;
      if (KEEP[tag]) {
        el = document.createElement(tag);
        if (tag === "A" && safeHref(n.getAttribute("href"))) { el.setAttribute("href", safeHref(n.getAttribute("href"))); }
      } else if (BLOCK[tag] && !INLINE_ONLY[into.nodeName]) {
        el = document.createElement(tag === "H1" ? "H2" : /^H[4-6]$/.test(tag) ? "H3" : "P");
      }
      if (el) {
        clean(n, el);
        into.appendChild(el);
      } else {
        clean(n, into);
      }
    }
  }

  // fromValue turns the textarea's value into editable content: HTML as the
  // server keeps it, or plain text as paragraphs (core.PlainToHTML does the same).
  function fromValue(value, into) {
    if (/<[a-zA-Z\/!]/.test(value)) {
      clean(new DOMParser().parseFromString(value, "text/html").body, into);
    } else {
      value.replace(/\r\n/g, "\n").trim().split(/\n\s*\n/).forEach(function (para) {
        if (!para.trim()) { return; }
        var p = document.createElement("p");
        para.trim().split("\n").forEach(function (line, i) {
          if (i > 0) { p.appendChild(document.createElement("br")); }
          p.appendChild(document.createTextNode(line));
        });
        into.appendChild(p);
      });
    }
    if (!into.firstChild) { into.innerHTML = "<p><br></p>"; }
  }

  function isEmpty(area) {
    return area.textContent.trim() === "" && !area.querySelector("li");
  }

  function enhance(textarea) {
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    var box = document.createElement("div");
    box.className = "rich-editor";
    var bar = proto.content.firstElementChild.cloneNode(true);
    var area = document.createElement("div");
    area.className = "rich rich-area";
    area.id = textarea.id + "-editor";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("spellcheck", "true");
    if (label) {
      if (!label.id) { label.id = textarea.id + "-label"; }
      area.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { area.focus(); });
    }
    ["aria-describedby", "aria-invalid"].forEach(function (a) {
      if (textarea.hasAttribute(a)) { area.setAttribute(a, textarea.getAttribute(a)); }
    });
    if (textarea.required) {
      area.setAttribute("aria-required", "true");
      textarea.required = false; // a hidden field cannot show the browser's message; the server says it
    }
    bar.setAttribute("aria-controls", area.id);
    fromValue(textarea.value, area);
    box.appendChild(bar);
    box.appendChild(area);
    textarea.parentNode.insertBefore(box, textarea);
    textarea.hidden = true;

    function sync() { textarea.value = isEmpty(area) ? "" : area.innerHTML; }
    sync();

    // The selection inside the area, kept while a toolbar button has focus.
    var saved = null;
    document.addEventListener("selectionchange", function () {
      var sel = window.getSelection();
      if (sel.rangeCount && area.contains(sel.getRangeAt(0).commonAncestorContainer)) {
        saved = sel.getRangeAt(0).cloneRange();
        refresh();
      }
    });
    function restore() {
      area.focus();
      if (saved) {
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(saved);
      }
    }

    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button"));
    // listOf says whether the selection is inside a list of that kind.
    function listOf(tag) {
      var sel = window.getSelection();
      for (var n = sel.rangeCount ? sel.getRangeAt(0).startContainer : null; n && n !== area; n = n.parentNode) {
        if (n.nodeName === "UL" || n.nodeName === "OL") { return n.nodeName === tag; }
      }
      return false;
    }
    function block() { return (document.queryCommandValue("formatBlock") || "").toLowerCase(); }
    function pressed(cmd) {
      switch (cmd) {
        case "bold": // headings are drawn bold: that is not the bold button's doing
          return document.queryCommandState(cmd) && !/^h[23]$/.test(block());
        case "italic":
          return document.queryCommandState(cmd);
        case "ul": case "ol":
          return listOf(cmd.toUpperCase());
        case "h2": case "h3": case "blockquote":
          return block() === cmd;
      }
      return null;
    }
    function refresh() {
      buttons.forEach(function (b) {
        var p = pressed(b.getAttribute("data-command"));
        if (p !== null) { b.setAttribute("aria-pressed", p ? "true" : "false"); }
      });
    }

    function link() {
      var href = window.prompt(proto.getAttribute("data-link-prompt"), "https://");
      if (href === null) { return; }
      if (!safeHref(href)) { window.alert(proto.getAttribute("data-link-invalid")); return; }
      restore();
      if (window.getSelection().isCollapsed) {
        var a = document.createElement("a");
        a.href = safeHref(href);
        a.textContent = safeHref(href);
        document.execCommand("insertHTML", false, a.outerHTML);
      } else {
        document.execCommand("createLink", false, safeHref(href));
      }
    }

    // toggleList turns the paragraphs the selection touches into one list (or
    // back into paragraphs). Chromium's own list command nests the list inside
    // the paragraph (<p><ul>) and moves the caret to the line's start.
    function toggleList(tag) {
      restore();
      var sel = window.getSelection();
      if (!sel.rangeCount) { return; }
      var r = sel.getRangeAt(0);
      var mark = [r.startContainer, r.startOffset, r.endContainer, r.endOffset];
      var blocks = Array.prototype.filter.call(area.childNodes, function (n) { return r.intersectsNode(n); });
      if (!blocks.length) { return; }
      var first = null;
      if (blocks.every(function (b) { return b.nodeName === tag; })) {
        blocks.forEach(function (list) {
          Array.prototype.slice.call(list.children).forEach(function (li) {
            var p = document.createElement("p");
            while (li.firstChild) { p.appendChild(li.firstChild); }
            if (!p.firstChild) { p.appendChild(document.createElement("br")); }
            area.insertBefore(p, list);
            first = first || p;
          });
          area.removeChild(list);
        });
      } else {
        var list = first = document.createElement(tag);
        area.insertBefore(list, blocks[0]);
        blocks.forEach(function (b) {
          if (b.nodeName === "UL" || b.nodeName === "OL") {
            while (b.firstChild) { list.appendChild(b.firstChild); }
            area.removeChild(b);
            return;
          }
          var li = document.createElement("li");
          if (/^(P|H2|H3|BLOCKQUOTE|DIV)$/.test(b.nodeName)) {
            while (b.firstChild) { li.appendChild(b.firstChild); }
            area.removeChild(b);
          } else {
            li.appendChild(b); // text or an inline element straight in the area
          }
          if (!li.firstChild) { li.appendChild(document.createElement("br")); }
          list.appendChild(li);
        });
      }
      // The text nodes moved, not replaced: the caret goes back where it was.
      var back = document.createRange();
      if (area.contains(mark[0]) && area.contains(mark[2])) {
        back.setStart(mark[0], mark[1]);
        back.setEnd(mark[2], mark[3]);
      } else {
        back.selectNodeContents(first);
        back.collapse(false);
      }
      sel.removeAllRanges();
      sel.addRange(back);
    }

    function run(cmd) {
      if (cmd === "link") {
        link();
      } else if (cmd === "ul" || cmd === "ol") {
        toggleList(cmd.toUpperCase());
      } else {
        restore();
        if (cmd === "h2" || cmd === "h3" || cmd === "blockquote") {
          document.execCommand("formatBlock", false, block() === cmd ? "p" : cmd);
        } else {
          document.execCommand(cmd, false, null);
        }
      }
      sync();
      refresh();
    }

    // One tab stop for the whole toolbar; arrow keys move between its buttons
    // (the WAI-ARIA toolbar pattern).
    buttons.forEach(function (b, i) {
      b.tabIndex = i === 0 ? 0 : -1;
      b.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the selection
      b.addEventListener("click", function () { run(b.getAttribute("data-command")); });
    });
    bar.addEventListener("keydown", function (e) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) { return; }
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
      if (next === undefined) { return; }
      e.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });

    area.addEventListener("focus", function () {
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    area.addEventListener("input", sync);
    // Pasted documents (a word processor, a web page) keep their structure but
    // not their styles, scripts or images.
    area.addEventListener("paste", function (e) {
      var html = e.clipboardData && e.clipboardData.getData("text/html");
      if (!html) { return; }
      e.preventDefault();
      var holder = document.createElement("div");
      clean(new DOMParser().parseFromString(html, "text/html").body, holder);
      if (Array.prototype.some.call(holder.children, function (el) { return TOP[el.nodeName]; })) {
        pasteBlocks(holder);
      } else {
        document.execCommand("insertHTML", false, holder.innerHTML); // words within the line
      }
      sync();
    });

    // pasteBlocks puts pasted paragraphs, headings and lists between the blocks
    // around the caret, splitting the one it is in (Chromium's insertHTML would
    // pour the first of them into that paragraph, a heading turned into text).
    function pasteBlocks(holder) {
      var sel = window.getSelection();
      if (!sel.rangeCount || !area.contains(sel.getRangeAt(0).startContainer)) { return; }
      var r = sel.getRangeAt(0);
      r.deleteContents();
      // Loose words between the pasted blocks become paragraphs of their own.
      var run = null;
      Array.prototype.slice.call(holder.childNodes).forEach(function (n) {
        if (n.nodeType === 1 && TOP[n.nodeName]) { run = null; return; }
        if (!run) { run = document.createElement("p"); holder.insertBefore(run, n); }
        run.appendChild(n);
      });
      var block = r.startContainer;
      while (block !== area && block.parentNode !== area) { block = block.parentNode; }
      var next = block === area ? area.childNodes[r.startOffset] || null : null;
      if (block !== area) {
        var tail = document.createRange(); // the rest of the block after the caret
        tail.setStart(r.startContainer, r.startOffset);
        tail.setEnd(block, block.childNodes.length);
        var rest = block.cloneNode(false);
        rest.appendChild(tail.extractContents());
        next = block.nextSibling;
        if (rest.textContent.trim() !== "") { area.insertBefore(rest, next); next = rest; }
        if (block.textContent.trim() === "") { area.removeChild(block); }
      }
      var last = holder.lastChild;
      while (holder.firstChild) { area.insertBefore(holder.firstChild, next); }
      var caret = document.createRange();
      caret.selectNodeContents(last);
      caret.collapse(false);
      sel.removeAllRanges();
      sel.addRange(caret);
    }
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }
  }

  Array.prototype.forEach.call(fields, enhance);
})();
