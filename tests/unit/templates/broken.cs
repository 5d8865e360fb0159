<p><?cs var:Data.text </p>
