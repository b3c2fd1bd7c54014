/*! Parley chat embed (issue 15). One line on the company's site:
 *   <script src="https://<parley>/embed.js" data-queue="support" async></script>
 * adds a launcher button that opens the queue's chat (/chat/<queue>) in a panel (an iframe).
 * No dependencies; served as-is. Everything lives in a shadow root, so the host page's
 * styles don't reach it and its styles don't reach the page. Open/closed is kept in the host
 * origin's sessionStorage, so the panel stays open across the site's pages.
 * API: window.Parley.open(), .close(), .toggle(), .isOpen(),
 *      .identify({ userId, signature }) — a user id signed by the company's server:
 *      signature = hex(HMAC-SHA256(identity secret, userId)) (Admin → Queues → Identity verification).
 * Calls made before the script loaded can be queued: window.Parley = window.Parley || []; Parley.push(['open']).
 */
(function () {
  'use strict'
  var script = document.currentScript
  var queued = window.Parley
  if (!script || (queued && queued.loaded)) return
  var queue = script.getAttribute('data-queue') || 'support'
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(queue)) return
  var origin = new URL(script.src, location.href).origin
  var label = script.getAttribute('data-label') || 'Chat with us'
  var closeLabel = script.getAttribute('data-close-label') || 'Close chat'
  var KEY = 'parley.embed.' + queue + '.open'
  // The chat's token, kept here for the site's pages when the browser gives the frame no storage
  // of its own (third-party storage blocked); the chat page tells it, and gets it back in the
  // frame URL's fragment (never sent to a server).
  var TOKEN_KEY = 'parley.embed.' + queue + '.token'
  var identity = null
  var frame = null
  var frameSrc = ''
  var open = false

  var host = document.createElement('div')
  host.setAttribute('data-parley-embed', queue)
  var root = host.attachShadow({ mode: 'open' })
  var css =
    ':host{all:initial;position:fixed;z-index:2147483000;right:0;bottom:0;font:16px/1.4 system-ui,sans-serif}' +
    '*{box-sizing:border-box}' +
    'button{font:inherit;cursor:pointer}' +
    '.launch{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border:0;border-radius:50%;' +
    'background:#1d4ed8;color:#fff;box-shadow:0 4px 16px rgba(0,0,0,.3);display:grid;place-items:center}' +
    '.launch:focus-visible,.x:focus-visible{outline:3px solid #f5b400;outline-offset:3px}' +
    '.panel{position:fixed;right:20px;bottom:92px;width:380px;height:min(640px,calc(100vh - 112px));' +
    'display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 8px 32px rgba(0,0,0,.35)}' +
    '.panel[hidden]{display:none}' +
    '.bar{flex:none;display:flex;justify-content:flex-end;background:#1d4ed8}' +
    '.x{width:44px;height:44px;border:0;background:transparent;color:#fff;font-size:26px;line-height:1}' +
    'iframe{flex:1;width:100%;border:0;background:#fff}' +
    '@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border-radius:0}.open .launch{display:none}}' +
    '@media (prefers-reduced-motion:no-preference){.panel{transition:opacity .15s}}'
  var icon = '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" ' +
    'd="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>'
  root.innerHTML = '<style>' + css + '</style><div class="wrap">' +
    '<div class="panel" role="dialog" hidden><div class="bar"><button type="button" class="x">\u00d7</button></div></div>' +
    '<button type="button" class="launch" aria-expanded="false">' + icon + '</button></div>'
  var wrap = root.querySelector('.wrap')
  var panel = root.querySelector('.panel')
  var launch = root.querySelector('.launch')
  var closeBtn = root.querySelector('.x')
  launch.setAttribute('aria-label', label)
  panel.setAttribute('aria-label', label)
  closeBtn.setAttribute('aria-label', closeLabel)

  function remember(value) {
    try {
      if (value) sessionStorage.setItem(KEY, '1')
      else sessionStorage.removeItem(KEY)
    } catch { /* storage blocked: the panel just won't be remembered */ }
  }

  function stored(key) {
    try { return localStorage.getItem(key) } catch { return null }
  }

  function chatUrl() {
    var url = origin + '/chat/' + encodeURIComponent(queue)
    if (identity) url += '?user_id=' + encodeURIComponent(identity.userId) + '&user_hash=' + encodeURIComponent(identity.signature)
    return url
  }

  function ensureFrame() {
    var src = chatUrl()
    if (frame && frameSrc === src) return
    if (frame) frame.remove()
    frame = document.createElement('iframe')
    frame.title = label
    frameSrc = src
    var token = stored(TOKEN_KEY)
    frame.src = token ? src + '#parley-token=' + encodeURIComponent(token) : src
    frame.allow = 'camera; microphone; clipboard-write'
    panel.appendChild(frame)
  }

  function setOpen(value, focus) {
    if (value) ensureFrame()
    open = value
    panel.hidden = !value
    wrap.className = value ? 'wrap open' : 'wrap'
    launch.setAttribute('aria-expanded', String(value))
    remember(value)
    if (!focus) return
    if (value) frame.focus()
    else launch.focus()
  }

  launch.addEventListener('click', function () { setOpen(!open, true) })
  closeBtn.addEventListener('click', function () { setOpen(false, true) })
  root.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && open) {
      e.stopPropagation()
      setOpen(false, true)
    }
  })
  // Escape pressed inside the chat (another origin: its keys don't reach this page) is posted here.
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return
    var d = e.data || {}
    if (d.type === 'parley:close' && open) setOpen(false, true)
    if (d.type === 'parley:token' && d.address === queue) {
      try {
        if (typeof d.token === 'string') localStorage.setItem(TOKEN_KEY, d.token)
        else localStorage.removeItem(TOKEN_KEY)
      } catch { /* no storage here either: the chat lasts this page view */ }
    }
  })

  var api = {
    loaded: true,
    open: function () { setOpen(true, true) },
    close: function () { if (open) setOpen(false, true) },
    toggle: function () { setOpen(!open, true) },
    isOpen: function () { return open },
    identify: function (who) {
      var id = who && who.userId
      var sig = who && (who.signature || who.userHash)
      identity = typeof id === 'string' && id && typeof sig === 'string' && sig ? { userId: id, signature: sig } : null
      if (frame) ensureFrame()
    },
    push: function (call) {
      if (call && typeof api[call[0]] === 'function') api[call[0]].apply(api, call.slice(1))
    },
  }
  window.Parley = api

  function mount() {
    document.body.appendChild(host)
    if (Array.isArray(queued)) queued.forEach(api.push)
    var remembered = false
    try { remembered = sessionStorage.getItem(KEY) === '1' } catch { /* no storage */ }
    if (remembered && !open) setOpen(true, false)
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount)
})()
