/// The report page's style and script: constants, so that nothing from the data can ever reach the `<script>`
/// element (the script reads the rows' escaped `data-*` attributes instead).
enum HTMLReportAssets {
    static let style = #"""

        :root{--high:#c62828;--medium:#ef6c00;--low:#757575;--line:#d0d7de;--muted:#57606a;--soft:#f6f8fa}
        *{box-sizing:border-box}
        [hidden]{display:none!important}
        body{margin:0;color:#1f2328;background:#fff;font-size:14px;line-height:1.5;
          font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
        header,main,.banner{margin-left:24px;margin-right:24px}
        header{padding:16px 0 8px;border-bottom:1px solid var(--line)}
        h1{font-size:22px;margin:0 0 8px}
        h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
        h3{font-size:15px;margin:16px 0 6px}
        dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 8px}
        dl.meta dt{color:var(--muted)}
        dl.meta dd{margin:0}
        dd.revealed{color:var(--high);font-weight:600}
        nav.toc a{margin-right:16px}
        .banner{margin-top:12px;padding:12px 16px;border-radius:6px;font-size:15px}
        .banner-alert{background:#ffebe9;border:3px solid var(--high);color:#82071e;font-size:17px}
        .banner-warn{background:#fff8c5;border:1px solid #d4a72c}
        table{border-collapse:collapse;margin:4px 0 12px}
        th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
        th{background:var(--soft);font-weight:600}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        tr.zero td{color:#8c959f}
        .note,.hint{color:var(--muted);font-size:12px}
        .grid{display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start}
        figure.chart{margin:0 0 16px;flex:1 1 600px;max-width:740px}
        figure.chart figcaption{font-weight:600;margin-bottom:4px}
        figure.chart svg{max-width:100%;height:auto;font-size:12px}
        svg text{fill:#1f2328}
        svg text.tick{fill:var(--muted);font-size:11px}
        svg line.grid{stroke:#eaeef2}
        svg a:hover rect,svg a:focus rect{opacity:.75}
        svg a:hover text{text-decoration:underline}
        .s-high{fill:var(--high)}
        .s-medium{fill:var(--medium)}
        .s-low{fill:#9e9e9e}
        .s-all{fill:#0969da}
        rect.h-full{fill:#2e7d32}
        rect.h-high{fill:#a5d6a7}
        rect.h-mid{fill:#ffcc80}
        rect.h-low{fill:#ef9a9a}
        rect.h-none{fill:#eaeef2}
        text.cell.h-full{fill:#fff}
        p.empty{color:var(--muted)}
        form.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end;padding:8px 12px;margin:8px 0;
          background:var(--soft);border:1px solid var(--line);border-radius:6px}
        form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
        form.filters label.check{justify-content:flex-end;padding-bottom:4px}
        form.filters select,form.filters input[type=search]{font:inherit;font-size:13px;min-width:8em;max-width:22em}
        p.count{margin:4px 0}
        #shown-count,#total-count{font-weight:600}
        #findings-table{font-size:13px;width:100%}
        #findings-table thead th{position:sticky;top:0;z-index:1}
        th button.sort{all:unset;cursor:pointer;white-space:nowrap}
        th button.sort:focus-visible{outline:2px solid #0969da}
        th[aria-sort=ascending] button.sort::after{content:" \25B2"}
        th[aria-sort=descending] button.sort::after{content:" \25BC"}
        tr.sev-high td:first-child{border-left:4px solid var(--high)}
        tr.sev-medium td:first-child{border-left:4px solid var(--medium)}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;font-size:12px;white-space:nowrap}
        .badge.high{background:var(--high)}
        .badge.medium{background:var(--medium)}
        .badge.low{background:var(--low)}
        td.new{color:#0969da;font-weight:600}
        code{font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
        code.id{color:var(--muted);font-size:11px}
        td.venue code,td.cert code,td.start,td.end,td.night{white-space:nowrap;word-break:normal}
        td.detector{min-width:8em}
        td.summary{min-width:16em;max-width:36em}
        td.evidence{min-width:14em;max-width:40em}
        td.evidence summary{cursor:pointer}
        td.evidence ol{margin:4px 0;padding-left:20px}
        td.evidence pre{white-space:pre-wrap;word-break:break-all;margin:2px 0 6px;padding:4px 6px;background:var(--soft);
          border-left:3px solid var(--line);font-size:12px}
        .more,.gone{color:var(--muted)}
        .gone{font-style:italic}
        @media print{
          form.filters,nav.toc,.hint{display:none}
          #findings-table thead th{position:static}
          th[aria-sort] button.sort::after{content:""}
          details::details-content{content-visibility:visible;display:contents}
          body{font-size:11px}
        }

        """#

    /// Filters and sorts the findings table in place: rows are only hidden and reordered, never made, so thousands
    /// stay quick, and no markup is ever built from the data. The filters live in the address's fragment
    /// (`#venue=…&detector=…&severity=high&night=…&new=1&q=…&sort=start&dir=desc`): a filtered view can be bookmarked
    /// or passed on, the charts' bars link to their rows, and a page loaded with a fragment opens filtered.
    static let script = #"""

        (function () {
          'use strict';
          var table = document.getElementById('findings-table');
          var form = document.getElementById('filters');
          if (!table || !form || !table.tBodies.length || !table.tHead) { return; }
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
          var shown = document.getElementById('shown-count');
          var none = document.getElementById('no-rows');
          var control = {
            venue: form.elements.namedItem('venue'),
            detector: form.elements.namedItem('detector'),
            severity: form.elements.namedItem('severity'),
            night: form.elements.namedItem('night'),
            fresh: form.elements.namedItem('new'),
            query: form.elements.namedItem('q')
          };
          var order = { key: '', desc: false };
          var texts = null;

          function rowText(index) {
            if (!texts) { texts = rows.map(function (row) { return row.textContent.toLowerCase(); }); }
            return texts[index];
          }

          function choose(select, value) {
            if (!value) { select.value = ''; return; }
            for (var i = 0; i < select.options.length; i++) {
              if (select.options[i].value === value) { select.selectedIndex = i; return; }
            }
            // A value no finding holds (a link from another report): kept, so the table shows that nothing matches.
            var option = document.createElement('option');
            option.value = value;
            option.textContent = value;
            select.appendChild(option);
            select.value = value;
          }

          function apply() {
            var venue = control.venue.value;
            var detector = control.detector.value;
            var severity = control.severity.value;
            var night = control.night.value;
            var onlyNew = control.fresh.checked;
            var query = control.query.value.trim().toLowerCase();
            var count = 0;
            for (var i = 0; i < rows.length; i++) {
              var data = rows[i].dataset;
              var keep = (!venue || data.venue === venue) && (!detector || data.detector === detector) &&
                (!severity || data.severity === severity) && (!night || data.night === night) &&
                (!onlyNew || data.seen === '0') && (!query || rowText(i).indexOf(query) !== -1);
              rows[i].hidden = !keep;
              if (keep) { count += 1; }
            }
            shown.textContent = String(count);
            if (none) { none.hidden = count !== 0; }
          }

          function sortKey(row, column) {
            var cell = row.cells[column];
            if (!cell) { return ''; }
            var value = cell.getAttribute('data-sort');
            return value !== null ? value : cell.textContent.trim();
          }

          // Sorts by the column whose data-key is `key` (none: the report's own order, high severity first); ties keep
          // the report's order.
          function sort(key, desc) {
            var column = -1;
            for (var i = 0; i < headers.length; i++) {
              var match = key !== '' && headers[i].getAttribute('data-key') === key;
              if (match) { column = i; }
              headers[i].setAttribute('aria-sort', match ? (desc ? 'descending' : 'ascending') : 'none');
            }
            order = column < 0 ? { key: '', desc: false } : { key: key, desc: desc };
            var keyed = rows.map(function (row, index) {
              return { row: row, key: column < 0 ? '' : sortKey(row, column), index: index };
            });
            if (column >= 0) {
              var numeric = keyed.every(function (item) { return item.key === '' || isFinite(Number(item.key)); });
              var collator = typeof Intl !== 'undefined' && Intl.Collator ?
                new Intl.Collator(document.documentElement.lang || undefined, { numeric: true }) : null;
              keyed.sort(function (a, b) {
                var result;
                if (numeric) { result = Number(a.key) - Number(b.key); }
                else if (collator) { result = collator.compare(a.key, b.key); }
                else { result = a.key < b.key ? -1 : (a.key > b.key ? 1 : 0); }
                if (desc) { result = -result; }
                return result !== 0 ? result : a.index - b.index;
              });
            }
            var fragment = document.createDocumentFragment();
            keyed.forEach(function (item) { fragment.appendChild(item.row); });
            body.appendChild(fragment);
          }

          function readHash() {
            var params = Object.create(null);
            var hash = window.location.hash.replace(/^#/, '');
            hash.split('&').forEach(function (part) {
              if (!part) { return; }
              var at = part.indexOf('=');
              var name = at < 0 ? part : part.slice(0, at);
              var value = at < 0 ? '' : part.slice(at + 1);
              try {
                params[decodeURIComponent(name)] = decodeURIComponent(value.replace(/\+/g, ' '));
              } catch (error) {
                // A malformed escape: that parameter is ignored.
              }
            });
            return params;
          }

          function fromHash() {
            // A plain anchor (#charts) moves the view and leaves the filters alone.
            if (window.location.hash && window.location.hash.indexOf('=') < 0) { return false; }
            var params = readHash();
            choose(control.venue, params.venue || '');
            choose(control.detector, params.detector || '');
            choose(control.severity, params.severity || '');
            choose(control.night, params.night || '');
            control.fresh.checked = params['new'] === '1' || params['new'] === 'true';
            control.query.value = params.q || '';
            sort(params.sort || '', params.dir === 'desc');
            apply();
            return true;
          }

          function toHash() {
            var parts = [];
            function add(name, value) { if (value) { parts.push(name + '=' + encodeURIComponent(value)); } }
            add('venue', control.venue.value);
            add('detector', control.detector.value);
            add('severity', control.severity.value);
            add('night', control.night.value);
            add('new', control.fresh.checked ? '1' : '');
            add('q', control.query.value.trim());
            add('sort', order.key);
            add('dir', order.key && order.desc ? 'desc' : '');
            var hash = parts.length ? '#' + parts.join('&') : '';
            if (hash === window.location.hash) { return; }
            try {
              window.history.replaceState(null, '', hash || window.location.pathname + window.location.search);
            } catch (error) {
              // Some browsers refuse history changes on file: pages; the filters still apply.
            }
          }

          function changed() { apply(); toHash(); }
          form.addEventListener('input', changed);
          form.addEventListener('change', changed);
          form.addEventListener('submit', function (event) { event.preventDefault(); });
          form.addEventListener('reset', function () { window.setTimeout(changed, 0); });
          headers.forEach(function (header) {
            var button = header.querySelector('button');
            if (!button) { return; }
            button.addEventListener('click', function () {
              var key = header.getAttribute('data-key');
              // Severity, recurrence and evidence read best largest first.
              var desc = order.key === key ? !order.desc : (key === 'severity' || key === 'seen' || key === 'evidence');
              sort(key, desc);
              toHash();
            });
          });
          window.addEventListener('hashchange', function () {
            if (fromHash()) {
              var section = document.getElementById('findings');
              if (section) { section.scrollIntoView(); }
            }
          });
          fromHash();
        })();

        """#
}
