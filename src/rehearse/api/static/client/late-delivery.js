// A turn's delivery measured after its job ended comes with no event (the stream ended with
// `done`; docs/delivery.md): the server's turn gets it a little later. So when the page shows a
// last turn without one, it asks again a few times, further apart, then stops: with DELIVERY
// off, or audio too short to measure, none ever comes.
const DELAYS_MS = [2000, 4000, 8000, 16000, 30000];

// Puts a late `turn`'s delivery into the page's model; true when that turn is shown. Only that
// turn changes: the candidate may be recording the next answer meanwhile.
export function showDelivery(model, interviewId, turn) {
  if (model.interview?.id !== interviewId) return false;
  const shown = model.interview.turns.find((each) => each.id === turn.id);
  if (shown) shown.delivery = turn.delivery;
  return Boolean(shown);
}

export class LateDelivery {
  #asked = new Set(); // turn ids: each is waited for once per page load

  // `ask(interviewId)` returns the interview as `GET /v1/interviews/{id}` does;
  // `found(interviewId, turn)` is called once with the turn that now has its delivery.
  constructor({ ask, found, delays = DELAYS_MS }) {
    this.ask = ask;
    this.found = found;
    this.delays = delays;
  }

  // The interview as just shown: waits for its last turn's delivery if that is missing.
  check(interview) {
    const last = interview?.turns?.at(-1);
    if (!last || last.delivery || this.#asked.has(last.id)) return;
    this.#asked.add(last.id);
    this.#wait(interview.id, last.id);
  }

  async #wait(interviewId, turnId) {
    for (const delay of this.delays) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      let interview;
      try {
        interview = await this.ask(interviewId);
      } catch {
        continue; // a network blip: the next try may do
      }
      const turn = interview?.turns?.find((each) => each.id === turnId);
      if (!turn) return; // gone (erased): nothing to wait for
      if (turn.delivery) return this.found(interviewId, turn);
    }
  }
}
