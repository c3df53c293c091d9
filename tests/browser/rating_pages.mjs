// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the rating pages (好差评) on a phone-sized screen:
//   node tests/browser/rating_pages.mjs URL DATABASE PAGES.json
// - the window device (/portal/device/<key>): it shows the service just
//   finished at its window (tests/browser/portal_pages.py makes one; a case
//   accepted there since comes first) and the five levels; the applicant picks 非常不满意 without a reason and is told
//   to give one, picks a reason and sends: the thanks page leads to the next
//   applicant, and the device no longer offers the rated service; a staff
//   session is refused;
// - the one-time link of a QR code (/portal/rate/<token>): the applicant
//   rates 满意 and each indicator with the keyboard only (Tab, arrows,
//   space, Enter); the link then no longer works.
// The ratings are read back as the administrator over JSON-RPC: the level,
// the channel and the reason given.  Every page on the way passes axe-core
// (no serious or critical violation at 375×812 and 1366×768), does not
// scroll sideways at 375 px, and Tab reaches every control of its forms.
import {
    PHONE, adminRpc, assertPage, newFigures, portalPages, portalUrl, printFigures,
    tabTo,
} from './portal.mjs';
import { browserTest, oneLine } from './lib.mjs';

const NAME = 'rating_pages';
const VERY_DISSATISFIED = '非常不满意';
const SATISFIED = '满意';
const THANKS = '感谢您的评价';
const NEXT = '下一位';
const NOTHING = '本窗口当前没有待评价的服务';

async function mainText(page) {
    return oneLine(await page.locator('main').innerText());
}

async function rating(test, id) {
    const [evaluation] = await adminRpc(test, 'model.onewindow.evaluation.read', [
        [id], ['state', 'level', 'channel', 'reasons', 'lines.level'], {}]);
    return evaluation;
}

browserTest(NAME, async (firstPage, test) => {
    const data = portalPages();
    const figures = newFigures();
    const { device, qr } = data;

    test.step = 'open the window device';
    const tablet = await test.newPage({ viewport: PHONE, hasTouch: true });
    await test.usePage(tablet);
    const response = await tablet.goto(portalUrl(test, `device/${device.key}`));
    if (response.status() !== 200) {
        throw new Error(`the device page answers HTTP ${response.status()}`);
    }
    // The service just finished at the window: the one portal_pages.py made,
    // or one accepted there since
    const shown = await mainText(tablet);
    const field = tablet.locator('input[name=evaluation]');
    if (!(await field.count())) {
        throw new Error(`the device shows no service to rate: ${shown}`);
    }
    const shownId = Number(await field.getAttribute('value'));
    const [service] = await adminRpc(test, 'model.onewindow.evaluation.read', [
        [shownId], ['state', 'window', 'stage', 'case.number'], {}]);
    if (service.state !== 'pending' || service.window !== device.window_id
            || !['acceptance', 'delivery'].includes(service.stage)
            || !shown.includes(device.window) || !shown.includes(service['case.'].number)) {
        throw new Error(`the device does not show a service just finished at `
            + `${device.window}: ${JSON.stringify(service)}: ${shown}`);
    }
    device.evaluation = shownId;
    const levels = (await tablet.locator('fieldset').first().locator('label').allInnerTexts())
        .map((t) => t.trim());
    if (levels.join(' ') !== '非常满意 满意 基本满意 不满意 非常不满意') {
        throw new Error(`the device offers the levels: ${levels.join(', ')}`);
    }
    await assertPage(tablet, test, figures, 'device');

    test.step = `rate ${VERY_DISSATISFIED} without a reason`;
    await tablet.locator('label.level', { hasText: new RegExp(`^\\s*${VERY_DISSATISFIED}\\s*$`) })
        .tap();
    await Promise.all([tablet.waitForNavigation(),
        tablet.locator('button[type=submit]').tap()]);
    if (!(await tablet.locator('.errors').count())) {
        throw new Error(`a rating ${VERY_DISSATISFIED} without a reason is taken: `
            + await mainText(tablet));
    }
    await assertPage(tablet, test, figures, 'device, reason missing');
    if ((await rating(test, device.evaluation)).state !== 'pending') {
        throw new Error('the rating without a reason is recorded');
    }

    test.step = `rate ${VERY_DISSATISFIED} with a reason`;
    await tablet.locator('label.level', { hasText: new RegExp(`^\\s*${VERY_DISSATISFIED}\\s*$`) })
        .tap();
    const reason = tablet.locator('input[name=reasons]').first();
    const reasonId = Number(await reason.getAttribute('value'));
    await reason.tap();
    await Promise.all([tablet.waitForNavigation(),
        tablet.locator('button[type=submit]').tap()]);
    if (!(await mainText(tablet)).includes(THANKS)) {
        throw new Error(`no thanks after the rating: ${await mainText(tablet)}`);
    }
    await assertPage(tablet, test, figures, 'device, thanks');
    const rated = await rating(test, device.evaluation);
    if (rated.state !== 'rated' || rated.level !== 'very_dissatisfied'
            || rated.channel !== 'device' || !rated.reasons.includes(reasonId)) {
        throw new Error(`the device's rating is recorded as ${JSON.stringify(rated)}`);
    }

    test.step = 'go to the next applicant';
    await Promise.all([tablet.waitForNavigation(),
        tablet.locator('a.button', { hasText: NEXT }).tap()]);
    // The next service finished at the window, or nothing to rate
    const next = tablet.locator('input[name=evaluation]');
    const nextId = (await next.count()) ? Number(await next.getAttribute('value')) : null;
    if (nextId === device.evaluation
            || (nextId === null && !(await mainText(tablet)).includes(NOTHING))) {
        throw new Error(`the device offers the rated service again: ${await mainText(tablet)}`);
    }
    await assertPage(tablet, test, figures, 'device, next');

    test.step = 'a staff session cannot rate on the device';
    const staff = await test.newPage({
        viewport: PHONE,
        extraHTTPHeaders: {
            Authorization: 'Basic ' + Buffer.from('clerk:wengyuan-demo').toString('base64'),
        },
    });
    const refused = await staff.goto(portalUrl(test, `device/${device.key}`));
    if (refused.status() !== 403) {
        throw new Error(`a staff session gets the device page: HTTP ${refused.status()}`);
    }
    await staff.close();

    test.step = 'open the QR link';
    const phone = await test.newPage({ viewport: PHONE, hasTouch: true });
    await test.usePage(phone);
    const link = portalUrl(test, `rate/${qr.token}`);
    if ((await phone.goto(link)).status() !== 200) {
        throw new Error('the QR link does not open');
    }
    await assertPage(phone, test, figures, 'QR rating');

    test.step = `rate ${SATISFIED} and every indicator by the keyboard`;
    const groups = await phone.locator('form.rating fieldset').evaluateAll((sets) => sets
        .map((set) => {
            const radio = set.querySelector('input[type=radio]');
            return radio ? radio.name : null;
        }).filter(Boolean));
    const radios = phone.locator('form.rating input[type=radio]');
    const labels = await radios.evaluateAll((inputs) => inputs
        .map((input) => input.parentElement.textContent.trim()));
    const index = labels.indexOf(SATISFIED);
    for (const group of groups) {
        // Tab reaches the group, the arrows choose the level in it
        await tabTo(phone, `input[name="${group}"]`, `the levels of ${group}`);
        for (let i = 0; i < index; i++) {
            await phone.keyboard.press('ArrowDown');
        }
        await phone.keyboard.press('Space');
    }
    const chosen = await phone.locator('form.rating input[type=radio]:checked')
        .evaluateAll((inputs) => inputs.map((i) => i.parentElement.textContent.trim()));
    if (chosen.length !== groups.length || chosen.some((c) => c !== SATISFIED)) {
        throw new Error(`the keyboard chose ${chosen.join(', ')} in ${groups.length} groups`);
    }
    await tabTo(phone, 'form.rating button[type=submit]', 'the send button');
    await Promise.all([phone.waitForNavigation(), phone.keyboard.press('Enter')]);
    if (!(await mainText(phone)).includes(THANKS)) {
        throw new Error(`no thanks after the QR rating: ${await mainText(phone)}`);
    }
    await assertPage(phone, test, figures, 'QR rating, thanks');
    const qrRated = await rating(test, qr.evaluation);
    if (qrRated.state !== 'rated' || qrRated.level !== 'satisfied' || qrRated.channel !== 'qr'
            || qrRated['lines.'] && qrRated['lines.'].some((l) => l.level !== 'satisfied')) {
        throw new Error(`the QR rating is recorded as ${JSON.stringify(qrRated)}`);
    }

    test.step = 'the QR link works once';
    const again = await phone.goto(link);
    if (again.status() !== 404) {
        throw new Error(`the used QR link answers HTTP ${again.status()}`);
    }
    await assertPage(phone, test, figures, 'QR link used');
    printFigures(test, figures);
});
