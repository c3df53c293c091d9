/* Kiosk mode: the session ends after 2 minutes without a touch, and the
 * receipt prints.  20 seconds before the end a dialog says so, counts down
 * and offers to go on (WCAG 2.2.1, timing adjustable): a touch anywhere or
 * its button counts the 2 minutes again.  Without script, the page's
 * refresh ends the session and a note at its top says when. */
(function () {
    'use strict';
    var body = document.body;
    var url = body.getAttribute('data-idle-url');
    var idle = parseInt(body.getAttribute('data-idle-seconds'), 10) || 120;
    var warn = parseInt(body.getAttribute('data-warn-seconds'), 10) || 20;
    var dialog = document.getElementById('idle-warning');
    var text = document.getElementById('idle-warning-text');
    var button = document.getElementById('idle-continue');
    var message = text ? text.getAttribute('data-message') : '';
    var timer = null;
    var ticker = null;
    var before = null;

    function clear() {
        window.clearTimeout(timer);
        window.clearInterval(ticker);
        timer = ticker = null;
    }
    function end() {
        clear();
        window.location.replace(url);
    }
    function hide() {
        if (dialog && !dialog.hidden) {
            dialog.hidden = true;
            if (before && before.focus) {
                before.focus();
            }
        }
    }
    function show() {
        var left = warn;
        if (!dialog) {
            timer = window.setTimeout(end, warn * 1000);
            return;
        }
        before = document.activeElement;
        text.textContent = message.replace('{seconds}', left);
        dialog.hidden = false;
        button.focus();
        ticker = window.setInterval(function () {
            left -= 1;
            if (left <= 0) {
                end();
                return;
            }
            text.textContent = message.replace('{seconds}', left);
        }, 1000);
    }
    function restart() {
        clear();
        hide();
        timer = window.setTimeout(show, (idle - warn) * 1000);
    }
    ['click', 'keydown', 'touchstart', 'input'].forEach(function (name) {
        document.addEventListener(name, restart, true);
    });
    restart();
    Array.prototype.forEach.call(
        document.querySelectorAll('.js-print'), function (button) {
            button.addEventListener('click', function () {
                window.print();
            });
        });
}());
