// The mock interview's page: the invite, the language, then this tab's interview if it has one.
import { call, loadToken } from "./api.js";
import { Controller } from "./controller.js";
import { View } from "./view.js";

function browserLanguage() {
  const first = (navigator.languages ?? [navigator.language]).find((l) => /^(ko|en)\b/i.test(l));
  return first?.slice(0, 2).toLowerCase() ?? "en";
}

async function init() {
  const controller = new Controller(new View());
  controller.switchLanguage(browserLanguage());
  if (!loadToken()) {
    controller.model.canStart = false;
    return controller.fail("no_invite", "invite");
  }
  let invite;
  try {
    invite = await call("GET", "/v1/invites/current");
  } catch (error) {
    controller.model.canStart = false;
    return controller.fail(error, "invite");
  }
  if (invite.language) {
    controller.switchLanguage(invite.language);
    controller.chooseLanguage(invite.language);
  }
  if (controller.resume()) return; // this tab's interview, whatever the invite has left
  if (invite.interviews_left === 0) controller.fail("invite_used_up", "setup");
  else controller.render();
}

init();
