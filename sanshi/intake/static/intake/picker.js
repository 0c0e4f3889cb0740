/* The report form's community list follows the township chosen. Without this script the
   list shows every community, grouped by township, and the server checks that the two agree.
   The communities of each township come in a JSON block (id "community-townships"). */
(function () {
  "use strict";

  function setUp() {
    var township = document.getElementById("id_township");
    var community = document.getElementById("id_community");
    var data = document.getElementById("community-townships");
    if (!township || !community || !data) {
      return;
    }
    var byTownship = JSON.parse(data.textContent || "{}");
    var townshipOf = {};
    Object.keys(byTownship).forEach(function (code) {
      byTownship[code].forEach(function (id) {
        townshipOf[id] = code;
      });
    });
    /* Every option as the server sent it, to rebuild from (hidden options are not hidden
       on every phone). */
    var all = Array.prototype.slice.call(community.children).map(function (node) {
      return node.cloneNode(true);
    });

    function offer() {
      var chosen = township.value;
      var keep = community.value;
      var allowed = chosen ? byTownship[chosen] || [] : null;
      community.textContent = "";
      all.forEach(function (node) {
        var copy = node.cloneNode(true);
        if (allowed !== null && copy.tagName === "OPTGROUP") {
          Array.prototype.slice.call(copy.children).forEach(function (option) {
            if (allowed.indexOf(option.value) === -1) {
              copy.removeChild(option);
            }
          });
          if (!copy.children.length) {
            return;
          }
        } else if (allowed !== null && copy.value && allowed.indexOf(copy.value) === -1) {
          return;
        }
        community.appendChild(copy);
      });
      var stillThere = Array.prototype.some.call(community.options, function (option) {
        return option.value === keep;
      });
      community.value = stillThere ? keep : "";
    }

    township.addEventListener("change", offer);
    community.addEventListener("change", function () {
      /* A community chosen first picks its township. */
      var code = townshipOf[community.value];
      if (code && !township.value) {
        township.value = code;
        offer();
      }
    });
    offer();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
