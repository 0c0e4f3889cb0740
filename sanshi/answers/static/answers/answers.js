// Ready answers in the console's reply form: "use this" puts the approved text into the reply.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest("[data-use-answer]");
  if (!button) return;
  var form = button.closest("form");
  var reply = form && form.querySelector("textarea[name=reply]");
  if (!reply) return;
  var text = button.getAttribute("data-use-answer");
  reply.value = reply.value.trim() ? reply.value.replace(/\s+$/, "") + "\n\n" + text : text;
  reply.focus();
});
