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
  const refuse = (error) => {
    Object.assign(controller.model, { phase: "setup", canStart: false });
    controller.fail(error, "invite");
  };
  if (!loadToken()) return refuse("no_invite");
  let invite;
  try {
    invite = await call("GET", "/v1/invites/current");
  } catch (error) {
    return refuse(error);
  }
  if (invite.language) {
    controller.switchLanguage(invite.language);
    controller.chooseLanguage(invite.language);
  }
  if (controller.resume()) return; // this tab's interview, whatever the invite has left
  controller.model.phase = "setup";
  if (invite.interviews_left === 0) controller.fail("invite_used_up", "setup");
  else controller.render();
}

init();
