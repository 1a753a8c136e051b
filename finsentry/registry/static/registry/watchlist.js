// Keeps the county drop-down to the counties of the chosen city.
(function () {
  "use strict";
  var city = document.getElementById("id_city");
  var county = document.getElementById("id_county");
  if (!city || !county) { return; }
  function follow() {
    var chosen = city.value;
    Array.prototype.forEach.call(county.options, function (option) {
      var owner = option.getAttribute("data-city");
      var show = !owner || !chosen || owner === chosen;
      option.hidden = !show;
      option.disabled = !show;
    });
    var selected = county.options[county.selectedIndex];
    if (selected && selected.disabled) { county.value = ""; }
  }
  city.addEventListener("change", follow);
  follow();
})();
