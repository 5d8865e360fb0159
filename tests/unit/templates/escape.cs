<p class="<?cs var:Data.cls ?>"><?cs var:Data.text ?></p><?cs each:item = Data.items ?><li><?cs var:item ?></li><?cs /each ?>
