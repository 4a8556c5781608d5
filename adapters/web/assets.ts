/**
 * The panel's one stylesheet and one script, served from /assets (the Content-Security-Policy allows no inline
 * code). The pages work without the script; it only adds the cron helper's live preview and confirmations.
 */
export const PANEL_CSS = `
:root { --fg:#1d2330; --muted:#5b6475; --bg:#f6f7fb; --card:#fff; --line:#dfe3ec; --accent:#3b5bdb; --ok:#2b8a3e; --warn:#e67700; --bad:#c92a2a; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color:var(--fg); background:var(--bg); }
a { color: var(--accent); }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; }
.top { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; padding:10px 16px; background:#101828; color:#fff; }
.top a, .top .link { color:#fff; }
.brand { font-weight:700; text-decoration:none; }
.community { opacity:.85; }
.spacer { flex:1; }
.who { opacity:.85; font-size:13px; }
.menu { display:flex; gap:4px; overflow-x:auto; padding:0 12px; background:#fff; border-bottom:1px solid var(--line); }
.menu a { padding:10px 12px; white-space:nowrap; text-decoration:none; color:var(--muted); border-bottom:3px solid transparent; }
.menu a[aria-current=page] { color:var(--fg); border-color:var(--accent); font-weight:600; }
main { max-width:1100px; margin:0 auto; padding:16px; }
h1 { font-size:24px; margin:8px 0 16px; } h2 { font-size:18px; margin:28px 0 10px; } h3 { margin:0 0 6px; font-size:16px; }
.grid { display:grid; gap:16px; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); align-items:start; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px; }
form.card, form.stack { display:flex; flex-direction:column; gap:10px; }
label { display:flex; flex-direction:column; gap:4px; font-weight:500; }
label.check { flex-direction:row; align-items:center; gap:8px; font-weight:400; }
label small, .hint, small { color:var(--muted); font-weight:400; }
input, select, textarea { font:inherit; padding:8px 10px; border:1px solid var(--line); border-radius:8px; min-height:40px; width:100%; background:#fff; }
input[type=checkbox] { width:20px; min-height:20px; }
button, .button { font:inherit; display:inline-block; padding:8px 14px; min-height:40px; border-radius:8px; border:1px solid var(--line); background:#fff; color:var(--fg); cursor:pointer; text-decoration:none; }
button.primary, .button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.danger { background:#fff; border-color:var(--bad); color:var(--bad); }
button.link { background:none; border:0; padding:0; min-height:0; text-decoration:underline; }
form.inline { display:inline; margin:0; }
.scroll { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:10px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:13px; color:var(--muted); font-weight:600; }
td .inline + .inline { margin-left:6px; }
.reply { border-left:4px solid var(--accent); background:var(--card); padding:12px 14px; border-radius:8px; margin:0 0 16px; }
.reply .text, .reply dd { white-space:pre-line; }
.reply.tone-success { border-color:var(--ok); } .reply.tone-warning { border-color:var(--warn); } .reply.tone-error { border-color:var(--bad); }
.reply .items { list-style:none; padding-left:0; } .reply .items li { margin:8px 0; } .reply .items small { display:block; } .reply footer { color:var(--muted); font-size:13px; margin-top:6px; }
.reply .buttons { display:flex; flex-wrap:wrap; gap:6px; margin-top:8px; }
.fields { display:grid; grid-template-columns:max-content 1fr; gap:4px 12px; }
.fields dt { font-weight:600; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; background:#edf2ff; color:var(--accent); }
.badge.bad { background:#fff5f5; color:var(--bad); } .badge.ok { background:#ebfbee; color:var(--ok); } .badge.warn { background:#fff4e6; color:var(--warn); }
.notice { background:#fff; border:1px solid var(--line); padding:12px; border-radius:8px; }
.sign-in { display:flex; flex-direction:column; gap:10px; max-width:360px; }
.sign-in .button { text-align:center; }
.chart svg { width:100%; height:auto; display:block; }
figure.chart { margin:0 0 12px; padding:8px; }
.chart { width:100%; height:auto; background:#fff; border:1px solid var(--line); border-radius:10px; }
.big { font-size:28px; margin:4px 0 0; }
.stats { display:grid; gap:10px; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); }
.cards { list-style:none; padding:0; display:flex; flex-direction:column; gap:8px; }
ol.runs { padding-left:18px; } .decisions li { margin:2px 0; }
@media (max-width: 640px) { main { padding:10px; } h1 { font-size:20px; } .who { display:none; } th, td { padding:6px; } }
`;

export const PANEL_JS = `
(function () {
  var form = document.getElementById('cron-form');
  if (form) {
    var out = document.getElementById('cron-next');
    var timer;
    var update = function () {
      var cron = form.querySelector('[name="o.cron"]').value;
      var zone = form.querySelector('[name="o.timezone"]').value;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(form.getAttribute('data-preview') + '?cron=' + encodeURIComponent(cron) + '&timezone=' + encodeURIComponent(zone), { credentials: 'same-origin' })
          .then(function (r) { return r.text(); })
          .then(function (text) { out.innerHTML = text; });
      }, 250);
    };
    form.addEventListener('input', update);
  }
  document.addEventListener('submit', function (event) {
    var button = event.submitter || event.target.querySelector('button');
    var message = button && button.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
`;
