/* Kiosk mode: the session ends after 2 minutes without a touch; the
 * receipt prints.  Without script, the page's refresh does the same. */
(function () {
    'use strict';
    var url = document.body.getAttribute('data-idle-url');
    var timer = null;
    function restart() {
        if (timer) {
            window.clearTimeout(timer);
        }
        timer = window.setTimeout(function () {
            window.location.replace(url);
        }, 120000);
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
