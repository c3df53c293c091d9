/* This file is part of onewindow.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms. */
/* onewindow's customisation of sao, copied into .sao/package/ by
   scripts/install_sao.sh. */
(function() {
    'use strict';
    // trytond answers /<database>/bus only with [bus] allow_subscribe,
    // which the hall does not set (SQLite has no channel to listen on, and
    // the hall sends no notification through the bus): sao would ask it at
    // every login and get an HTTP 501.
    Sao.Bus.listen = function() {};
}());
